//! The item of a cancelled put is dropped undelivered, outside the
//! channel's lock: its destructor may use the channel (here it closes it),
//! and other users of the channel go on.

use std::sync::mpsc;
use std::time::Duration;

use genlet::Channel;

/// Closes its channel when dropped.
struct ClosesOnDrop(Channel<ClosesOnDrop>);

impl Drop for ClosesOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[test]
fn an_undelivered_item_whose_destructor_uses_the_channel() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let channel = Channel::<ClosesOnDrop>::new();
        let outcome = genlet::run(async {
            // Nobody gets: the put waits until the timeout drops it.
            let put = genlet::timeout(
                Duration::from_millis(10),
                channel.put(ClosesOnDrop(channel.clone())),
            )
            .await;
            assert!(put.is_err(), "the put timed out");
            // The destructor closed the channel (closing again finds it
            // closed); it is still usable.
            let after = channel.put(ClosesOnDrop(Channel::new())).await;
            (!channel.close(), after.is_err())
        });
        done.send(outcome).unwrap();
    });
    let outcome = finished
        .recv_timeout(Duration::from_secs(30))
        .expect("the cancelled put returned: its item was not dropped under the lock");
    assert_eq!(outcome, (true, true));
}
