//! Shared test support: the reference decoder and drivers that run every tier over a stream
//! cut into chunks, all reporting the same [`reference::Outcome`] shape.

#![allow(dead_code)]

#[cfg(feature = "alloc")]
pub mod checks;
pub mod reference;
pub mod tiers;
