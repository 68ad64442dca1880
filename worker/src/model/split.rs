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
//! it can be).
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

/// The roles (0-based, contiguous, in order, every one in exactly one group) each
/// experience call writes, for roles of expected sizes `sizes`; one group (perhaps empty)
/// when not split.
pub fn groups(sizes: &[usize], max_calls: usize) -> Vec<Range<usize>> {
    let count = group_count(sizes.len(), max_calls);
    if count == 1 {
        return std::iter::once(0..sizes.len()).collect();
    }
    let n = sizes.len();
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
    let mut cuts = Vec::with_capacity(count);
    let mut end = n;
    for k in (1..=count).rev() {
        let start = best[k][end].1;
        cuts.push(start..end);
        end = start;
    }
    cuts.reverse();
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
