package com.datasaas.stats;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code datasaas sample-data}: fills a website with synthetic traffic ({@link SampleData}). */
@Command(
        name = "sample-data",
        mixinStandardHelpOptions = true,
        description = {
            "Fill a website with realistic synthetic traffic, for demos and benchmarks.",
            "Run it with the service stopped: only one process may write the event store."
        })
public final class SampleDataCommand implements Callable<Integer> {

    @Option(
            names = "--site",
            required = true,
            paramLabel = "ID",
            description = "The id of a website created in DataSaaS (mrf_...).")
    String site;

    @Option(
            names = "--events",
            defaultValue = "1000000",
            paramLabel = "N",
            description = "About how many events to write (underscores allowed: 1_000_000). Default: ${DEFAULT-VALUE}.")
    String events;

    @Option(names = "--days", defaultValue = "30", paramLabel = "D", description = "Spread over the last D days.")
    int days;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATASAAS_DATA_DIR:-data}",
            paramLabel = "DIR",
            description = "The data dir. Default: DATASAAS_DATA_DIR, else ./data.")
    Path dataDir;

    @Override
    public Integer call() {
        long count;
        try {
            count = Long.parseLong(events.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--events must be a whole number, like 1000000 or 1_000_000");
        }
        if (count < 1 || days < 1) {
            throw new IllegalArgumentException("--events and --days must be at least 1");
        }
        SampleData.run(site, count, days, dataDir);
        return 0;
    }
}
