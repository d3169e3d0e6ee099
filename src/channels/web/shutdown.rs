//! Stopping `helpbot serve`. On the first Ctrl-C or SIGTERM the server stops accepting
//! connections, ends every event stream (the widgets reconnect, to another instance or to this one
//! restarted) and gives the requests in flight a grace period to finish; then it returns. A second
//! signal ends the wait at once.

use std::time::Duration;

use futures_util::{Stream, StreamExt};

/// How serving ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Every request in flight finished.
    Drained,
    /// The grace period ran out with requests still in flight; they were cut off.
    GraceExpired,
    /// A second signal came during the grace period.
    Forced,
}

/// Ctrl-C (SIGINT) and SIGTERM, each time one arrives, by name. The handlers are installed when
/// this is called, so a signal that comes while the server starts up is not lost (nor does it
/// kill the process the default way).
#[cfg(unix)]
pub fn signals() -> std::io::Result<impl Stream<Item = &'static str> + Send + Unpin + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (
        signal(SignalKind::terminate())?,
        signal(SignalKind::interrupt())?,
    );
    Ok(Box::pin(futures_util::stream::unfold(
        handlers,
        |(mut terminate, mut interrupt)| async move {
            let name = tokio::select! {
                Some(()) = terminate.recv() => "SIGTERM",
                Some(()) = interrupt.recv() => "SIGINT",
                else => return None,
            };
            Some((name, (terminate, interrupt)))
        },
    )))
}

/// Ctrl-C, each time it is pressed.
#[cfg(not(unix))]
pub fn signals() -> std::io::Result<impl Stream<Item = &'static str> + Send + Unpin + 'static> {
    Ok(Box::pin(futures_util::stream::unfold((), |()| async {
        tokio::signal::ctrl_c().await.ok()?;
        Some(("Ctrl-C", ()))
    })))
}

/// Waits for the first signal (or the end of `signals`), then calls `begin` and waits up to
/// `grace` for `drained`, or until a second signal comes. `drained` also ends the wait before
/// any signal (the server failed on its own): its result is returned then.
pub async fn run<S, D, E>(
    mut signals: S,
    drained: D,
    grace: Duration,
    begin: impl FnOnce(Option<S::Item>),
) -> Result<Stopped, E>
where
    S: Stream + Unpin,
    D: Future<Output = Result<(), E>>,
{
    tokio::pin!(drained);
    let first = tokio::select! {
        served = &mut drained => return served.map(|()| Stopped::Drained),
        signal = signals.next() => signal,
    };
    begin(first);
    tokio::select! {
        served = &mut drained => served.map(|()| Stopped::Drained),
        () = tokio::time::sleep(grace) => Ok(Stopped::GraceExpired),
        Some(_) = signals.next() => Ok(Stopped::Forced),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    fn two_signals() -> (
        tokio::sync::mpsc::UnboundedSender<&'static str>,
        impl Stream<Item = &'static str> + Unpin,
    ) {
        let (send, receive) = tokio::sync::mpsc::unbounded_channel();
        (
            send,
            tokio_stream::wrappers::UnboundedReceiverStream::new(receive),
        )
    }

    #[tokio::test]
    async fn drains_after_the_first_signal_and_stops_waiting_at_the_grace_period() {
        let (send, signals) = two_signals();
        let begun = Arc::new(AtomicBool::new(false));
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        send.send("SIGTERM").expect("signal");
        let flag = begun.clone();
        let drained = async move {
            let _ = finished.await;
            Ok::<(), ()>(())
        };
        let stopping = tokio::spawn(run(signals, drained, Duration::from_secs(600), move |_| {
            flag.store(true, Ordering::SeqCst)
        }));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(begun.load(Ordering::SeqCst));
        let _ = finish.send(());
        assert_eq!(stopping.await.expect("task"), Ok(Stopped::Drained));

        let (send, signals) = two_signals();
        send.send("SIGTERM").expect("signal");
        let never = std::future::pending::<Result<(), ()>>();
        let stopped = run(signals, never, Duration::from_millis(100), |_| {}).await;
        assert_eq!(stopped, Ok(Stopped::GraceExpired));
    }

    #[tokio::test]
    async fn a_second_signal_stops_at_once() {
        let (send, signals) = two_signals();
        send.send("SIGTERM").expect("signal");
        send.send("SIGINT").expect("signal");
        let never = std::future::pending::<Result<(), ()>>();
        // Were the second signal ignored, this would wait ten minutes.
        let stopped = tokio::time::timeout(
            Duration::from_secs(60),
            run(signals, never, Duration::from_secs(600), |_| {}),
        )
        .await;
        assert_eq!(stopped, Ok(Ok(Stopped::Forced)));
    }
}
