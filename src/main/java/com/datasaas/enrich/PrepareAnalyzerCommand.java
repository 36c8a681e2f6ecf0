package com.datasaas.enrich;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code datasaas prepare-user-agent-analyzer FILE}: writes the {@link PreparedAnalyzer}. A build step run by the
 * launcher's {@code cds-archive}, so it is hidden from the help.
 */
@Command(
        name = "prepare-user-agent-analyzer",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Build the user agent analyzer and write it to FILE, for the launcher to read at start-up.")
public final class PrepareAnalyzerCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "Where to write it (replaced).")
    Path file;

    @Override
    public Integer call() throws Exception {
        PreparedAnalyzer.write(file);
        return 0;
    }
}
