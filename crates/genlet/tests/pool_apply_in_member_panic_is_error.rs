//! `apply` called from one of the pool's own members runs the future right
//! there, and a panic in it comes back as an error, as it does from `apply`
//! outside the pool: the member itself goes on.

#[test]
fn a_panic_applied_inside_a_member_is_an_error() {
    genlet::run(async {
        let pool = genlet::Pool::new(1);
        let handle = pool.handle();
        let member = pool
            .handle()
            .spawn_with(genlet::task().name("member"), async move {
                let err = handle
                    .apply(async { panic!("applied") as () })
                    .await
                    .unwrap_err();
                (
                    err.is_panic(),
                    err.panic_message().map(str::to_owned),
                    err.name().to_owned(),
                )
            })
            .await;
        let (is_panic, message, name) = member.join().await.expect("the member goes on");
        assert!(is_panic);
        assert_eq!(message.as_deref(), Some("applied"));
        assert_eq!(name, "member");
    });
}

#[test]
fn a_panic_applied_from_outside_is_an_error_too() {
    genlet::run(async {
        let pool = genlet::Pool::new(1);
        let err = pool.apply(async { panic!("applied") }).await.unwrap_err();
        assert!(err.is_panic());
    });
}
