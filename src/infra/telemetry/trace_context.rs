//! What a request's work carries beyond the request itself: its id and its W3C trace
//! context (`traceparent`). The HTTP layer sets it for the request's task; the outbox records
//! it with every event the request raises, the relay sends it as Kafka headers, and the
//! worker logs it on every line about the e-mail.

use std::{fmt, future::Future};

use rand::{RngCore, thread_rng};
use tracing::Span;

use super::otel;

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The request a piece of work belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub trace: TraceParent,
}

impl RequestContext {
    /// Runs `work` with this context as the current one. Not an `async fn`: that would hold
    /// `work` twice (as argument and as awaited future), doubling the request's future.
    pub(crate) fn scope<F: Future>(self, work: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self, work)
    }

    /// The context of the request being served by this task, if any.
    pub(crate) fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }
}

/// A W3C Trace Context `traceparent`: version 00, trace id, this hop's span id, flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    flags: u8,
}

impl TraceParent {
    /// The trace context of `span`, the work of a caller who sent `header`: the caller's
    /// trace continued (when the header is a valid `traceparent`) or a new one. When spans
    /// are exported, `span` joins that trace and these are its exported ids.
    pub(crate) fn of_span(span: &Span, header: Option<&str>) -> Self {
        let caller = header.and_then(Self::parse);
        if let Some(caller) = &caller {
            otel::continue_trace(span, caller.ids());
        }
        otel::exported_ids(span)
            .map(|(trace_id, span_id, flags)| Self {
                trace_id,
                span_id,
                flags,
            })
            .unwrap_or_else(|| Self::child_of(caller))
    }

    /// Makes `span` a child of the `traceparent` in `header`, when it is valid (and spans
    /// are exported).
    pub(crate) fn continue_in(span: &Span, header: &str) {
        if let Some(parent) = Self::parse(header) {
            otel::continue_trace(span, parent.ids());
        }
    }

    /// The ids as the exporter takes them.
    fn ids(&self) -> otel::Ids {
        (self.trace_id, self.span_id, self.flags)
    }

    /// A new span in `caller`'s trace, or in a new trace (sampled). The ids are not secrets:
    /// the thread's userspace generator, not a system call per request.
    fn child_of(caller: Option<Self>) -> Self {
        let mut span_id = [0; 8];
        thread_rng().fill_bytes(&mut span_id);
        match caller {
            Some(parent) => Self { span_id, ..parent },
            None => {
                let mut trace_id = [0; 16];
                thread_rng().fill_bytes(&mut trace_id);
                Self {
                    trace_id,
                    span_id,
                    flags: 1,
                }
            }
        }
    }

    /// Parses `00-<32 hex>-<16 hex>-<2 hex>`; all-zero ids and other versions' unknown
    /// layouts are refused, as the spec says.
    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version != "00" || parts.next().is_some() || !is_lower_hex(header.trim()) {
            return None;
        }
        let mut parsed = Self {
            trace_id: [0; 16],
            span_id: [0; 8],
            flags: 0,
        };
        hex::decode_to_slice(trace, &mut parsed.trace_id).ok()?;
        hex::decode_to_slice(span, &mut parsed.span_id).ok()?;
        let mut flag = [0; 1];
        hex::decode_to_slice(flags, &mut flag).ok()?;
        parsed.flags = flag[0];
        let zero = |bytes: &[u8]| bytes.iter().all(|b| *b == 0);
        (!zero(&parsed.trace_id) && !zero(&parsed.span_id)).then_some(parsed)
    }

    /// The trace id as 32 lowercase hex digits (what tracing backends search by).
    pub fn trace_id(&self) -> String {
        hex::encode(self.trace_id)
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            hex::encode(self.trace_id),
            hex::encode(self.span_id),
            self.flags
        )
    }
}

#[cfg(test)]
mod tests {
    use super::TraceParent;

    const CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_continued_with_a_new_span() {
        let parent = TraceParent::parse(CALLER).unwrap();
        assert_eq!(parent.to_string(), CALLER);
        let child = TraceParent::child_of(Some(parent));
        assert_eq!(child.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_ne!(child.span_id, parent.span_id);
        assert_eq!(TraceParent::parse(&child.to_string()), Some(child));
    }

    #[test]
    fn an_invalid_traceparent_starts_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad:?}");
            let fresh = TraceParent::child_of(TraceParent::parse(bad));
            assert_ne!(fresh.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
            assert_eq!(TraceParent::parse(&fresh.to_string()), Some(fresh));
        }
    }
}
