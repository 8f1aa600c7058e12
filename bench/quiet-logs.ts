// The bench measures the app, not its request logs: only warnings and errors unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= "warn";
