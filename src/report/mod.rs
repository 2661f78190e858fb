//! Reporters
