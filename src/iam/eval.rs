// The evaluation engine: see the iam helper's work.
