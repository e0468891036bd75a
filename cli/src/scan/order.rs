//! Input order out of concurrent completions, with bounded memory.
//!
//! Every entry gets a sequence number when it is read. Results arrive in any order;
//! the buffer holds them until every earlier one is there, then releases them in
//! sequence. Nothing is collected: the scan only starts entry `n` while
//! `n < released + window` ([`Reorder::has_room`]), so at most `window` results
//! ever wait here, however long the input. A slow session therefore holds back at
//! most `window` finished ones behind it, and then the scan waits for it.

use std::collections::VecDeque;

/// Results waiting for their turn, indexed by sequence number.
#[derive(Debug)]
pub struct Reorder<T> {
    /// Sequence number of the next result to release.
    next: u64,
    /// How far past `next` results may be accepted.
    window: usize,
    /// `slots[i]` holds result `next + i` once it has arrived.
    slots: VecDeque<Option<T>>,
}

impl<T> Reorder<T> {
    /// A buffer holding at most `window` (at least 1) results.
    pub fn new(window: usize) -> Self {
        let window = window.max(1);
        Self {
            next: 0,
            window,
            slots: VecDeque::with_capacity(window),
        }
    }

    /// Whether result `seq` may be started now.
    pub fn has_room(&self, seq: u64) -> bool {
        seq < self.next + self.window as u64
    }

    /// Stores result `seq` (which must have had room, and not be stored already).
    /// Returns `false`, storing nothing, otherwise.
    pub fn insert(&mut self, seq: u64, value: T) -> bool {
        let Some(index) = seq
            .checked_sub(self.next)
            .and_then(|i| usize::try_from(i).ok())
        else {
            return false;
        };
        if index >= self.window {
            return false;
        }
        while self.slots.len() <= index {
            self.slots.push_back(None);
        }
        match &mut self.slots[index] {
            Some(_) => false,
            slot => {
                *slot = Some(value);
                true
            }
        }
    }

    /// The next result in sequence, if it has arrived.
    pub fn pop_ready(&mut self) -> Option<T> {
        match self.slots.front() {
            Some(Some(_)) => {
                self.next += 1;
                self.slots.pop_front().flatten()
            }
            _ => None,
        }
    }

    /// How many results wait for an earlier one.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.slots.iter().filter(|slot| slot.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_in_sequence_whatever_the_arrival_order() {
        let mut order = Reorder::new(4);
        assert!(order.insert(2, "c"));
        assert!(order.insert(1, "b"));
        assert_eq!(order.pop_ready(), None, "0 has not arrived");
        assert!(order.insert(0, "a"));
        let released: Vec<_> = std::iter::from_fn(|| order.pop_ready()).collect();
        assert_eq!(released, ["a", "b", "c"]);
        assert_eq!(order.waiting(), 0);
    }

    #[test]
    fn the_window_bounds_what_may_wait() {
        let mut order = Reorder::new(3);
        assert!(order.has_room(2));
        assert!(!order.has_room(3));
        assert!(!order.insert(3, 3), "beyond the window");
        assert!(order.insert(1, 1) && order.insert(2, 2));
        assert!(!order.insert(2, 22), "twice");
        assert_eq!(order.waiting(), 2);
        assert!(order.insert(0, 0));
        assert_eq!(order.pop_ready(), Some(0));
        assert!(order.has_room(3), "releasing one makes room for one more");
        assert!(!order.has_room(4));
        assert!(!order.insert(0, 0), "already released");
    }

    #[test]
    fn a_large_shuffled_run_comes_out_sorted_within_the_window() {
        let window = 16;
        let mut order = Reorder::new(window);
        let mut out = Vec::new();
        let mut pending: Vec<u64> = Vec::new();
        let mut next = 0;
        // Start as many as the window allows, complete them newest first.
        while out.len() < 1000 {
            while next < 1000 && order.has_room(next) {
                pending.push(next);
                next += 1;
            }
            if let Some(seq) = pending.pop() {
                assert!(order.insert(seq, seq));
                assert!(order.waiting() <= window);
            }
            while let Some(value) = order.pop_ready() {
                out.push(value);
            }
        }
        assert_eq!(out, (0..1000).collect::<Vec<_>>());
    }
}
