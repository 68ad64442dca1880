//! How a resume's work experience is split over parallel model calls, and how long each
//! call's reply is expected to be.
//!
//! A model writes its reply token by token, so a call takes about as long as its reply:
//! the experience of a long career, written by one call, is the slowest part of a resume.
//! With `MODEL_MAX_PARALLEL_CALLS` = N (the main-sections call counted), the roles are
//! split into at most N − 1 contiguous groups, each written by a call of its own, all at
//! once. A career of fewer than [`SPLIT_FROM_ROLES`] roles is not split (two calls in all:
//! a split's extra prompt costs more than it saves); a longer one gets one group per
//! [`ROLES_PER_GROUP`] roles (rounded up), up to N − 1, and the groups are cut where the
//! largest expected reply of a group is smallest (so that the slowest call is as short as
//! it can be). The main sections are a short reply: when it makes the slowest call
//! shorter still, the main-sections call of a split career also writes the last roles
//! (the oldest), the groups sharing the rest ([`Plan`]).
//!
//! Expected sizes are counted in characters of the reply (a token is about four): what the
//! role's data holds (company, title, highlights, each rephrased about as long) plus the
//! JSON around it. They decide the groups and measure the progress of a streamed reply.

use std::ops::Range;

use resume_proto::v1;

/// Careers with fewer roles than this are written by one experience call.
pub const SPLIT_FROM_ROLES: usize = 6;
/// Roles per experience call when split (the last group may have fewer).
pub const ROLES_PER_GROUP: usize = 3;

/// Characters of the JSON around one role's entry.
const ROLE_OVERHEAD: usize = 60;
/// Characters around each highlight (quotes, comma) and what rephrasing adds.
const HIGHLIGHT_OVERHEAD: usize = 15;
/// Characters of a headline and a summary, with their JSON.
const MAIN_TEXT: usize = 600;

/// The reply's expected characters for `role`.
pub fn role_chars(role: &v1::Experience) -> usize {
    let highlights: usize = role.highlights.iter().map(|h| h.chars().count() + HIGHLIGHT_OVERHEAD).sum();
    ROLE_OVERHEAD + role.company.chars().count() + role.title.chars().count() + highlights
}

/// The main-sections reply's expected characters for `candidate`.
pub fn main_chars(candidate: &v1::Candidate) -> usize {
    MAIN_TEXT + candidate.skills.iter().map(|s| s.chars().count() + 3).sum::<usize>()
}

/// How many experience calls `roles` roles get when at most `max_calls` calls run at once.
pub fn group_count(roles: usize, max_calls: usize) -> usize {
    if roles < SPLIT_FROM_ROLES {
        return 1;
    }
    roles.div_ceil(ROLES_PER_GROUP).min(max_calls.saturating_sub(1)).max(1)
}

/// Which roles (0-based, contiguous, in order, every one written by exactly one call) each
/// call writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The roles the main-sections call writes too (the last ones; empty unless that makes
    /// the slowest call shorter).
    pub main: Range<usize>,
    /// The roles of each experience call (one group, perhaps empty, when not split).
    pub groups: Vec<Range<usize>>,
}

/// The plan for roles of expected sizes `sizes` beside main sections of `main` expected
/// characters, when at most `max_calls` calls run at once: of every way to leave the last
/// roles to the main call (none to all but one per group), the one whose largest call (main
/// or group, the groups cut where their largest is smallest) is smallest, leaving the most
/// roles to the groups on a tie.
pub fn plan(main: usize, sizes: &[usize], max_calls: usize) -> Plan {
    let n = sizes.len();
    let count = group_count(n, max_calls);
    if count == 1 {
        return Plan { main: n..n, groups: std::iter::once(0..n).collect() };
    }
    let prefix: Vec<usize> = std::iter::once(0)
        .chain(sizes.iter().scan(0, |sum, size| {
            *sum += size;
            Some(*sum)
        }))
        .collect();
    let weight = |from: usize, to: usize| prefix[to] - prefix[from];
    // best[k][i]: the smallest largest group of the first i roles cut into k groups, and
    // where the last group starts.
    let mut best = vec![vec![(usize::MAX, 0); n + 1]; count + 1];
    best[0][0] = (0, 0);
    for k in 1..=count {
        for i in k..=n {
            for j in (k - 1)..i {
                let (before, _) = best[k - 1][j];
                if before == usize::MAX {
                    continue;
                }
                let largest = before.max(weight(j, i));
                if largest < best[k][i].0 {
                    best[k][i] = (largest, j);
                }
            }
        }
    }
    // The groups write the first `end` roles, the main call the rest: the largest call
    // is smallest at this `end` (the most roles left to the groups on a tie).
    let largest = |end: usize| best[count][end].0.max(main + weight(end, n));
    let end = (count..=n).rev().min_by_key(|&end| largest(end)).unwrap_or(n);
    let mut groups = Vec::with_capacity(count);
    let mut to = end;
    for k in (1..=count).rev() {
        let start = best[k][to].1;
        groups.push(start..to);
        to = start;
    }
    groups.reverse();
    Plan { main: end..n, groups }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups when the main sections are too long to take any role.
    fn groups(sizes: &[usize], max_calls: usize) -> Vec<Range<usize>> {
        let plan = plan(1 << 40, sizes, max_calls);
        assert!(plan.main.is_empty(), "{plan:?}");
        plan.groups
    }

    #[test]
    fn short_careers_are_not_split_and_long_ones_up_to_the_limit() {
        let whole = |n: usize| std::iter::once(0..n).collect::<Vec<_>>();
        assert_eq!(groups(&[100; 5], 4), whole(5));
        assert_eq!(groups(&[], 4), whole(0));
        assert_eq!(groups(&[100; 6], 4), [0..3, 3..6]);
        let eight = groups(&[100; 8], 4);
        assert_eq!((eight.len(), eight.iter().map(|r| r.len()).max()), (3, Some(3)), "{eight:?}");
        assert_eq!(groups(&[100; 15], 4), [0..5, 5..10, 10..15]);
        assert_eq!(groups(&[100; 15], 2), whole(15), "two calls: main and one experience call");
        assert_eq!(groups(&[100; 15], 8), [0..3, 3..6, 6..9, 9..12, 12..15]);
    }

    #[test]
    fn groups_are_balanced_by_expected_size() {
        // One long role: alone in its group, the others share.
        let cut = groups(&[900, 100, 100, 100, 100, 100, 100, 100, 100], 3);
        assert_eq!(cut, [0..1, 1..9]);
        let cut = groups(&[100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 900], 4);
        assert_eq!(cut.last(), Some(&(11..12)));
        let largest =
            |cut: &[Range<usize>], sizes: &[usize]| cut.iter().map(|r| sizes[r.clone()].iter().sum::<usize>()).max();
        let sizes = [300, 50, 50, 400, 80, 80, 80, 250, 30];
        assert_eq!(largest(&groups(&sizes, 4), &sizes), Some(480));
    }

    #[test]
    fn the_main_call_takes_the_last_roles_when_that_shortens_the_slowest_call() {
        let whole = |n: usize| std::iter::once(0..n).collect::<Vec<_>>();
        // Fifteen roles of 100 and main sections of 150: groups of 5 would be the slowest
        // (500); the main call takes three roles (450), the groups four each (400).
        assert_eq!(plan(150, &[100; 15], 4), Plan { main: 12..15, groups: vec![0..4, 4..8, 8..12] });
        // Eight roles, groups of at most 3 (300): a role more would make the main call 350.
        let eight = plan(250, &[100; 8], 4);
        let largest = eight.groups.iter().map(|g| g.len()).max();
        assert_eq!((eight.main.clone(), eight.groups.len(), largest), (8..8, 3, Some(3)), "{eight:?}");
        // A short career is not split: the main call writes none.
        assert_eq!(plan(0, &[100; 5], 4), Plan { main: 5..5, groups: whole(5) });
        // Two calls at most: the design before the split.
        assert_eq!(plan(0, &[100; 15], 2), Plan { main: 15..15, groups: whole(15) });
        // Every group keeps a role, however short the main sections.
        let plan = plan(0, &[100; 6], 4);
        assert_eq!((plan.groups.len(), plan.groups.iter().all(|g| !g.is_empty())), (2, true), "{plan:?}");
    }
}
