package com.datasaas.cli;

import com.datasaas.operations.BackupManifest;
import com.datasaas.operations.Restore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup file into an empty data dir (refuses a non-empty one), then start the service on it.",
            "Embedded stores only: in server mode restore PostgreSQL (pg_restore) and ClickHouse with their own tools"
                    + " (docs/server-mode.md)."
        })
final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup file (.zip).")
    Path from;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The empty data dir to restore into (default: DATASAAS_DATA_DIR, as the service).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** Test seam: the stores instead of the configuration. */
    Settings.Stores stores;

    @Override
    public Integer call() throws Exception {
        Settings.Stores s = stores != null ? stores : Settings.stores(dataDir);
        String refusal = s.embeddedOnly("restore");
        if (refusal != null) {
            spec.commandLine().getErr().println(refusal);
            return 1;
        }
        Path dir = s.dataDir();
        try {
            BackupManifest manifest = Restore.restore(from, dir);
            var out = spec.commandLine().getOut();
            out.println("Restored " + manifest.contents().size() + " files of a backup taken " + manifest.createdAt()
                    + " (" + manifest.mode() + ", DataSaaS " + manifest.appVersion() + ") into " + dir.toAbsolutePath()
                    + ". Start the service on it.");
            if (!"included".equals(manifest.secretKey())) {
                out.println("The backup holds no secret.key: set the DATASAAS_SECRET_KEY (or copy the secret.key) the"
                        + " original used, or reconnect the payment providers after start.");
            }
            return 0;
        } catch (Restore.Refused e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
    }
}
