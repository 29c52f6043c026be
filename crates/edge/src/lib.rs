//! The Edge runtime: JavaScriptCore contexts exposing Web-standard APIs only.

pub mod web;
