//! Putting a task in a fair queue: the one way server and worker add to a queue, so that
//! its owner's list, the owners' turns and the depth counter always agree
//! (`resume_proto::redis::Keys::owners` says what each holds).
//!
//! A new task goes to the end of its owner's list; a returned one (handed back, taken over
//! from a dead worker, or due after a retry delay) to its head, and it leaves where it was
//! in the same script, so that of two workers returning it one does. An owner who had
//! nothing waiting joins the turns: at the end for a new task, at the front for a returned
//! one (it was taken before and goes next). The same script wakes idle workers, so queueing
//! is one round trip. Taking is the worker's (`worker::redis::tasks`).

use fred::{clients::Client, error::Error, types::scripts::Script};
use resume_proto::redis::{Keys, Queue};

/// Adds a task to its owner's list, and the owner to the queue's turns if they were not in
/// them; counts it in the queue's depth and wakes idle workers.
/// KEYS: 1 the owner's waiting list, 2 the queue's owners, 3 the queue's depth, and for a
/// returned task 4 the in-flight list or delayed set it leaves.
/// ARGV: 1 the task, 2 the owner, 3 the wake channel, and for a returned task 4 what
/// KEYS[4] is: "in_flight" or "delayed".
/// Returns 1 when the task was queued, 0 when a returned one was no longer where it was.
const ENQUEUE: &str = r"
if KEYS[4] then
  local left
  if ARGV[4] == 'delayed' then
    left = redis.call('ZREM', KEYS[4], ARGV[1])
  else
    left = redis.call('LREM', KEYS[4], 1, ARGV[1])
  end
  if left == 0 then return 0 end
  if redis.call('LPUSH', KEYS[1], ARGV[1]) == 1 then redis.call('LPUSH', KEYS[2], ARGV[2]) end
else
  if redis.call('RPUSH', KEYS[1], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
end
redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[3], '')
return 1
";

/// Where a task comes from.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// Nowhere: a task just made, queued last.
    New,
    /// The in-flight list named here: handed back, first of its owner's.
    InFlight(&'a str),
    /// Its queue's delayed set: its retry is due, first of its owner's.
    Delayed,
}

/// The queueing script, loaded once per process.
pub struct Enqueue {
    script: Script,
    keys: Keys,
    /// Where idle workers wait to be woken.
    wake_channel: String,
}

impl Enqueue {
    /// Queueing under `keys`.
    pub fn new(keys: Keys) -> Enqueue {
        Enqueue { script: Script::from_lua(ENQUEUE), wake_channel: keys.wake_channel(), keys }
    }

    /// Queues `task` (its bytes as they lie in Redis) of `owner` in `queue`, coming `from`,
    /// and wakes idle workers; whether it was queued (false: a returned task was no longer
    /// where it was).
    pub async fn enqueue(
        &self,
        client: &Client,
        queue: Queue,
        owner: &str,
        task: &[u8],
        from: Origin<'_>,
    ) -> Result<bool, Error> {
        let mut keys = vec![self.keys.waiting(queue, owner), self.keys.owners(queue), self.keys.depth(queue)];
        let mut args: Vec<&[u8]> = vec![task, owner.as_bytes(), self.wake_channel.as_bytes()];
        match from {
            Origin::New => {}
            Origin::InFlight(list) => {
                keys.push(list.to_owned());
                args.push(b"in_flight");
            }
            Origin::Delayed => {
                keys.push(self.keys.delayed(queue));
                args.push(b"delayed");
            }
        }
        let queued: i64 = self.script.evalsha_with_reload(client, keys, args).await?;
        Ok(queued == 1)
    }
}
