//! The queue scripts against the real Redis (`REDIS_URL`), under a key prefix of this
//! test's own: owners take turns within a queue and each owner's tasks keep their order,
//! high priority goes first, a returned task goes first of its owner's, a paused queue
//! gives nothing, tasks an older server left in the one list go first, the depth counter
//! always says how many tasks wait, and queueing wakes idle workers.

use std::time::Duration;

use fred::prelude::*;
use resume_proto::{
    job::Priority,
    redis::{Keys, Queue, task},
};
use runtime::{
    queue::{Enqueue, Origin},
    rate::RateLimit,
};
use worker::redis::Redis;

struct Fixture {
    client: Client,
    keys: Keys,
    enqueue: Enqueue,
    worker: Redis,
}

impl Fixture {
    async fn start() -> anyhow::Result<Fixture> {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let builder = runtime::redis::builder(&url, false)?;
        let client = builder.build()?;
        client.init().await?;
        let keys = Keys::new(&format!("fair-{}", uuid::Uuid::new_v4().simple()));
        let worker = Redis::connect(&builder, keys.clone(), "w1", RateLimit::per_minute(0)).await?;
        Ok(Fixture { client, enqueue: Enqueue::new(keys.clone()), keys, worker })
    }

    /// Queues a new task of `owner`'s job `job_id`, as the server does.
    async fn submit(&self, owner: &str, job_id: &str, priority: Priority) -> anyhow::Result<()> {
        let raw = task::encode(&task::new(job_id, owner, (0, None), priority, task::Work::default()));
        assert!(self.enqueue.enqueue(&self.client, Queue::of(priority), owner, &raw, Origin::New).await?);
        Ok(())
    }

    /// The job ids of the next `n` tasks the worker takes (fewer when the queues run dry).
    async fn take(&self, n: usize) -> anyhow::Result<Vec<String>> {
        let mut taken = Vec::new();
        while taken.len() < n {
            let Some(raw) = self.worker.tasks.take().await? else { break };
            taken.push(task::decode(&raw).expect("a task").job_id);
        }
        Ok(taken)
    }

    /// The queue's depth counter, checked against what its owners' lists hold.
    async fn depth(&self, queue: Queue) -> anyhow::Result<i64> {
        let counted: Option<i64> = self.client.get(self.keys.depth(queue)).await?;
        let owners: Vec<String> = self.client.lrange(self.keys.owners(queue), 0, -1).await?;
        let mut held = 0;
        for owner in &owners {
            let waiting: i64 = self.client.llen(self.keys.waiting(queue, owner)).await?;
            assert!(waiting > 0, "{owner} is in the turns with nothing waiting");
            held += waiting;
        }
        assert_eq!(counted.unwrap_or(0), held, "the depth counter says what the lists hold");
        Ok(held)
    }

    async fn clean_up(self) -> anyhow::Result<()> {
        let keys: Vec<fred::types::Key> =
            futures::TryStreamExt::try_collect(self.client.scan_buffered(self.keys.every_key(), Some(100), None))
                .await?;
        if !keys.is_empty() {
            let _: i64 = self.client.del(keys).await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn owners_take_turns_and_each_keeps_its_order() -> anyhow::Result<()> {
    let fixture = Fixture::start().await?;
    fixture.submit("ann", "ann-0", Priority::Default).await?;
    // Queueing wakes idle workers: this one's wait ends at once, not after its minute.
    let woken =
        tokio::time::timeout(Duration::from_secs(30), fixture.worker.tasks.wait_for_work(Duration::from_secs(60)));
    assert!(woken.await.is_ok(), "queueing a task woke no worker");
    assert_eq!(fixture.take(1).await?, ["ann-0"]);
    for i in 1..=4 {
        fixture.submit("ann", &format!("ann-{i}"), Priority::Default).await?;
    }
    fixture.submit("bob", "bob-1", Priority::Default).await?;
    fixture.submit("cy", "cy-1", Priority::Default).await?;
    fixture.submit("cy", "cy-2", Priority::Default).await?;
    fixture.submit("cy", "cy-high", Priority::High).await?;
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 7);
    assert_eq!(fixture.depth(Queue::PriorityHigh).await?, 1);

    assert_eq!(fixture.take(4).await?, ["cy-high", "ann-1", "bob-1", "cy-1"]);
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 4);
    // An owner who comes while another's batch drains waits for one task of each owner
    // waiting, not for the whole batch.
    fixture.submit("dee", "dee-1", Priority::Default).await?;
    assert_eq!(fixture.take(10).await?, ["ann-2", "cy-2", "dee-1", "ann-3", "ann-4"]);
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 0);
    fixture.clean_up().await
}

#[tokio::test]
async fn returned_tasks_go_first_of_their_owners() -> anyhow::Result<()> {
    let fixture = Fixture::start().await?;
    fixture.submit("ann", "ann-1", Priority::Default).await?;
    fixture.submit("ann", "ann-2", Priority::Default).await?;
    fixture.submit("bob", "bob-1", Priority::Default).await?;
    let tasks = &fixture.worker.tasks;
    let first = tasks.take().await?.expect("ann-1");
    // Handed back while ann still has a task waiting: first of ann's, in ann's turn.
    tasks.hand_back(&first, &task::decode(&first).expect("a task")).await?;
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 3);
    assert_eq!(fixture.take(2).await?, ["bob-1", "ann-1"]);
    // Taken and handed back when ann has nothing else waiting: ann goes first again.
    fixture.submit("bob", "bob-2", Priority::Default).await?;
    let second = tasks.take().await?.expect("ann-2");
    tasks.hand_back(&second, &task::decode(&second).expect("a task")).await?;
    assert_eq!(fixture.take(1).await?, ["ann-2"]);
    // Everything the worker holds goes back first of its owner's, each owner's in the order
    // it was taken (at shutdown, or by a worker that finds it dead)…
    assert_eq!(tasks.return_own().await?, 3);
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 4);
    assert_eq!(fixture.take(4).await?, ["ann-1", "bob-1", "ann-2", "bob-2"]);
    // …and so does a task whose retry is due.
    let held: Vec<Vec<u8>> = fixture.client.lrange(fixture.keys.in_flight("w1"), 0, -1).await?;
    let retried = held.last().expect("bob-2 is held");
    tasks.retry_later(retried, Queue::ResumeGeneration, Duration::ZERO).await?;
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 0, "a parked task does not wait in the queue");
    fixture.submit("bob", "bob-3", Priority::Default).await?;
    assert_eq!(tasks.promote_due().await?, 1);
    assert_eq!(tasks.promote_due().await?, 0, "a task is promoted once");
    assert_eq!(fixture.take(3).await?, ["bob-2", "bob-3"]);
    fixture.clean_up().await
}

#[tokio::test]
async fn a_paused_queue_gives_nothing_and_old_servers_tasks_go_first() -> anyhow::Result<()> {
    let fixture = Fixture::start().await?;
    fixture.submit("ann", "ann-1", Priority::Default).await?;
    fixture.submit("ann", "ann-high", Priority::High).await?;
    let _: i64 = fixture.client.sadd(fixture.keys.paused(), Queue::ResumeGeneration.name()).await?;
    assert_eq!(fixture.take(2).await?, ["ann-high"], "only the queue not paused gives a task");
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 1);
    let _: i64 = fixture.client.srem(fixture.keys.paused(), Queue::ResumeGeneration.name()).await?;
    // What a server older than fair queues pushed, to the queue's one list.
    let old = task::encode(&task::new("old-1", "bob", (0, None), Priority::Default, task::Work::default()));
    let _: i64 = fixture.client.rpush(fixture.keys.unfair(Queue::ResumeGeneration), old).await?;
    assert_eq!(fixture.take(3).await?, ["old-1", "ann-1"]);
    assert_eq!(fixture.depth(Queue::ResumeGeneration).await?, 0);
    fixture.clean_up().await
}
