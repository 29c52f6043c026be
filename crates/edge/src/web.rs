//! Web APIs installed into every Edge context.
