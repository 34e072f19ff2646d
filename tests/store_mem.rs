//! The store conformance suite against `MemStore`, natively.

mod conformance;

use labbook::store::MemStore;

macro_rules! mem_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                futures::executor::block_on(conformance::$case(MemStore::new()));
            }
        )*
    };
}

for_each_case!(mem_cases);
