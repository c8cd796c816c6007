//! A list that grows in chunks of a fixed size and never moves what it holds.
//!
//! The access requests of the largest account took 14 MB (26,730 requests
//! of 528 bytes at the time). In a `Vec` they were copied each time it
//! doubled, and once more when the two builders' lists were joined; each
//! copy wrote fresh memory while the old one was still alive, and the
//! allocator keeps what is freed for a second before giving it back: the
//! join alone raised the peak resident memory by 18-20 MiB. A chunk is allocated once at its full size,
//! and lists are joined by moving their chunks, not their elements.
//!
//! An element's key is `chunk * CHUNK + place`. Once two lists are joined
//! keys are no longer dense (the first list's last chunk may be partly
//! empty), so a key says where an element is, not how many come before it;
//! [`ChunkedList::blocks`] gives each chunk with the key of its first element.

use std::ops::Index;

/// Elements per chunk: 512 requests are 270 KB, an allocation of its own
/// (the allocator's "large" class) that is written once and never copied.
pub const CHUNK: usize = 512;

#[derive(Debug, Clone)]
pub struct ChunkedList<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for ChunkedList<T> {
    fn default() -> Self {
        ChunkedList {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> ChunkedList<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many elements the list holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `item` at the end and gives it back, in place.
    pub fn push(&mut self, item: T) -> &mut T {
        let full = self.chunks.last().is_none_or(|c| c.len() == CHUNK);
        if full {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.len += 1;
        let chunk = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk];
        chunk.push(item);
        let last = chunk.len() - 1;
        &mut chunk[last]
    }

    /// Moves `other`'s elements to the end of this list without copying them.
    pub fn append(&mut self, other: ChunkedList<T>) {
        self.len += other.len;
        self.chunks.extend(other.chunks);
    }

    /// The key the next element pushed will have.
    pub fn next_key(&self) -> usize {
        match self.chunks.last() {
            Some(last) if last.len() < CHUNK => (self.chunks.len() - 1) * CHUNK + last.len(),
            _ => self.chunks.len() * CHUNK,
        }
    }

    /// The elements from `key` on (a key [`Self::next_key`] gave), to change
    /// them in place.
    pub fn iter_mut_from(&mut self, key: usize) -> impl Iterator<Item = &mut T> {
        let (chunk, place) = (key / CHUNK, key % CHUNK);
        self.chunks
            .iter_mut()
            .skip(chunk)
            .enumerate()
            .flat_map(move |(i, c)| {
                let from = if i == 0 { place.min(c.len()) } else { 0 };
                c[from..].iter_mut()
            })
    }

    /// The elements in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.chunks.iter().flatten()
    }

    /// Each chunk with the key of its first element, in order.
    pub fn blocks(&self) -> impl Iterator<Item = (usize, &[T])> {
        self.chunks
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (i * CHUNK, c.as_slice()))
    }
}

impl<T> Index<usize> for ChunkedList<T> {
    type Output = T;

    fn index(&self, key: usize) -> &T {
        &self.chunks[key / CHUNK][key % CHUNK]
    }
}

impl<T> IntoIterator for ChunkedList<T> {
    type Item = T;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: impl Iterator<Item = usize>) -> ChunkedList<usize> {
        let mut list = ChunkedList::new();
        for item in items {
            list.push(item);
        }
        list
    }

    #[test]
    fn keys_find_elements_across_joined_lists_with_partial_chunks() {
        let mut a = list(0..CHUNK + 3);
        let b = list(1000..1000 + CHUNK + 1);
        a.append(b);
        a.push(7);
        assert_eq!(a.len(), 2 * CHUNK + 5);
        let in_order: Vec<usize> = a.iter().copied().collect();
        let expected: Vec<usize> = (0..CHUNK + 3)
            .chain(1000..1000 + CHUNK + 1)
            .chain([7])
            .collect();
        assert_eq!(in_order, expected);
        // Every block's keys lead back to its elements, in the same order.
        let mut by_key = Vec::new();
        for (first, block) in a.blocks() {
            for (i, item) in block.iter().enumerate() {
                assert_eq!(a[first + i], *item);
                by_key.push(*item);
            }
        }
        assert_eq!(by_key, expected);
        // The first list's partial chunk leaves keys no element holds: the
        // second list's first element is at the next chunk's first key.
        assert_eq!(a.blocks().nth(2).map(|(first, _)| first), Some(2 * CHUNK));
        assert_eq!(a.into_iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn next_key_and_iter_mut_from_reach_what_was_pushed_since() {
        let mut a = list(0..CHUNK - 1);
        let b = list(0..2);
        a.append(b);
        for n in [3, CHUNK, 1] {
            let start = a.next_key();
            for _ in 0..n {
                a.push(0);
            }
            a.iter_mut_from(start).for_each(|x| *x = n);
            let tail: Vec<usize> = a.iter().rev().take(n + 1).copied().collect();
            assert!(tail[..n].iter().all(|&x| x == n), "{n}");
            assert_ne!(tail[n], n, "{n}: the element before `start` is unchanged");
            assert_eq!(a[start], n);
        }
    }

    #[test]
    fn an_empty_list_has_no_blocks() {
        let mut a: ChunkedList<u8> = ChunkedList::new();
        a.append(ChunkedList::new());
        assert!(a.is_empty());
        assert_eq!(a.blocks().count(), 0);
        assert_eq!(a.next_key(), 0);
    }
}
