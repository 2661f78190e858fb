//! A scan: read files in parallel, parse each once, run the rules, collect findings.
