package com.datasaas.app;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up fails with one clear message (description and action) when a store or a setting cannot be used; see META-INF. */
final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<StartupFailure> {
    @Override
    protected FailureAnalysis analyze(Throwable root, StartupFailure failure) {
        return new FailureAnalysis(failure.getMessage(), failure.action(), failure);
    }
}
