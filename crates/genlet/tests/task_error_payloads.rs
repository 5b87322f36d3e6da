//! `TaskError::panic_message` gives the text of `&str` and `String`
//! payloads and `None` for any other payload, which `into_panic` still
//! hands back whole.

#[test]
fn string_payloads_have_a_message() {
    let err =
        genlet::run(async { genlet::spawn(async { panic!("{}", 40 + 2) }).await }).unwrap_err();
    assert_eq!(err.panic_message(), Some("42"));
    let err = genlet::run(async { genlet::spawn(async { panic!("plain") }).await }).unwrap_err();
    assert_eq!(err.panic_message(), Some("plain"));
}

#[test]
fn other_payloads_have_none_and_come_back_whole() {
    let err = genlet::run(async {
        genlet::task()
            .name("any")
            .spawn(async { std::panic::panic_any(7u8) })
            .await
    })
    .unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.panic_message(), None);
    assert_eq!(
        err.to_string(),
        "greenlet 'any' panicked: <a panic payload that is not a string>"
    );
    assert_eq!(
        err.into_panic().ok().unwrap().downcast_ref::<u8>(),
        Some(&7)
    );
}

#[test]
fn a_kill_has_no_message() {
    let err = genlet::run(async {
        let g = genlet::spawn(genlet::sleep(std::time::Duration::from_secs(3600)));
        g.kill().await;
        g.await
    })
    .unwrap_err();
    assert_eq!(err.panic_message(), None);
}
