//! Exponential backoff between retries: doubles from 200 ms up to a ceiling.

use std::time::Duration;

const FIRST: Duration = Duration::from_millis(200);

pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn up_to(max: Duration) -> Self {
        Self { next: FIRST, max }
    }

    /// The pause before the next attempt; the one after will be twice as long.
    pub(crate) fn next_pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(self.max);
        pause
    }

    pub(crate) fn reset(&mut self) {
        self.next = FIRST;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Backoff;

    #[test]
    fn doubles_up_to_the_ceiling_and_resets() {
        let mut backoff = Backoff::up_to(Duration::from_millis(700));
        let pauses: Vec<_> = (0..4).map(|_| backoff.next_pause().as_millis()).collect();
        assert_eq!(pauses, [200, 400, 700, 700]);
        backoff.reset();
        assert_eq!(backoff.next_pause().as_millis(), 200);
    }
}
