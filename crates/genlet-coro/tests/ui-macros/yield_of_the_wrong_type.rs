// A `yield_!` of the wrong type: the error points at the yielded expression.
genlet_coro::generator! {
    fn numbers() -> yield u32 {
        yield_!(1);
        yield_!("two");
    }
}

fn main() {
    let _ = numbers();
}
