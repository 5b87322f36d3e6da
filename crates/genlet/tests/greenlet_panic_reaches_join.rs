//! A panic inside a greenlet reaches `join` as a `TaskError` carrying the
//! greenlet's name and the panic's message and payload.

#[test]
fn a_panic_reaches_join_with_the_name_and_message() {
    let err = genlet::run(async {
        genlet::task()
            .name("fetch-users")
            .spawn(async {
                let ids: Vec<u32> = Vec::new();
                ids.first().copied().expect("no users")
            })
            .join()
            .await
    })
    .unwrap_err();
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert_eq!(err.name(), "fetch-users");
    assert_eq!(err.panic_message(), Some("no users"));
    assert_eq!(err.to_string(), "greenlet 'fetch-users' panicked: no users");
    // The payload, to resume unwinding with (`expect` panics with a String).
    let payload = err.into_panic().expect("a panic has a payload");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("no users")
    );
}

#[test]
fn get_gives_the_handle_back_when_not_ready_and_the_error_when_failed() {
    genlet::run(async {
        // The greenlet fails only once told to, after the first `get` has
        // timed out, so a descheduled test thread cannot see it fail early.
        let go = std::sync::Arc::new(genlet::Event::new());
        let g = genlet::spawn({
            let go = go.clone();
            async move {
                go.wait().await;
                panic!("late failure")
            }
        });
        let g = match g.get(std::time::Duration::from_millis(1)).await {
            Err(genlet::GetError::Elapsed(g)) => g,
            other => panic!("expected a timeout, got {other:?}"),
        };
        go.set();
        match g.get(std::time::Duration::from_secs(30)).await {
            Err(genlet::GetError::Failed(e)) => assert_eq!(e.panic_message(), Some("late failure")),
            other => panic!("expected the failure, got {other:?}"),
        }
    });
}

#[test]
fn task_errors_are_send_and_sync_and_convert_into_io_errors() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<genlet::TaskError>();
    let err = genlet::run(async {
        genlet::task()
            .name("io")
            .spawn(async { panic!("disk") })
            .join()
            .await
    })
    .unwrap_err();
    let io = std::io::Error::other(err);
    assert_eq!(io.to_string(), "greenlet 'io' panicked: disk");
}
