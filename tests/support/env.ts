// Runs in every test file before anything is imported.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';
