/** Unit tests provoke errors on purpose; their log lines would only bury the test report. */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
