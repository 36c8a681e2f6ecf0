package com.datasaas.cli;

import com.datasaas.app.DataSaasApplication;
import com.datasaas.app.StartupSteps;
import com.datasaas.enrich.PrepareAnalyzerCommand;
import com.datasaas.operations.Versions;
import com.datasaas.stats.SampleDataCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The jar's entry point: {@code java -jar datasaas.jar [command] [flags]}. Without a command it serves, exactly as
 * before there were commands, and Spring's own {@code --name=value} arguments ({@code --server.port=9000}) still reach
 * the server. Every command reads the same configuration as the server (DATASAAS_* variables, see
 * docs/configuration.md).
 */
@Command(
        name = "datasaas",
        mixinStandardHelpOptions = true,
        versionProvider = DataSaasCommand.Version.class,
        description = "Self-hostable, revenue-first web analytics. Without a command: serve.",
        subcommands = {
            DataSaasCommand.Serve.class,
            BackupCommand.class,
            RestoreCommand.class,
            ResetPasswordCommand.class,
            SampleDataCommand.class,
            MigrateToServerCommand.class,
            PrepareAnalyzerCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Configuration: DATASAAS_DATA_DIR, PORT, ... (docs/configuration.md). Deploying: docs/deploy.md."
        })
public final class DataSaasCommand implements Callable<Integer> {

    /** Spring Boot's arguments for the server ({@code --server.port=9000}); anything else is a mistyped command. */
    @Unmatched
    List<String> serverArguments = new ArrayList<>();

    /** Set once the server runs: its threads keep the JVM alive, so main must not exit. */
    private static volatile boolean serving;

    public static void main(String[] args) {
        List<String> serverArguments = serveArguments(args);
        if (serverArguments != null) {
            // The service's own start skips picocli: building its model of every command (reflection over their
            // annotations, ~180 classes compiled for Java 5 that the class data sharing archive cannot hold and the
            // JVM verifies the slow way) cost ~0.3 s of a start on the critical path (docs/benchmarks.md,
            // "Start-up (2026-12-06, night)"). Same outcome as through picocli: serve, or "datasaas: " and exit 1.
            try {
                serve(serverArguments);
            } catch (RuntimeException e) {
                System.err.println("datasaas: " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        CommandLine cli = new CommandLine(new DataSaasCommand()).setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("datasaas: " + e.getMessage());
            return 1;
        });
        int code = cli.execute(args);
        if (!serving || code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        return serve(serverArguments);
    }

    /**
     * The server's arguments when {@code args} asks for nothing but the service ({@code serve} or no command, then
     * only Spring's {@code --name=value} arguments), else null: picocli then parses them (commands, help, version, a
     * mistyped command and its message).
     */
    static List<String> serveArguments(String[] args) {
        List<String> arguments = List.of(args);
        if (!arguments.isEmpty() && arguments.get(0).equals("serve")) {
            arguments = arguments.subList(1, arguments.size());
        }
        for (String argument : arguments) {
            boolean springArgument = argument.startsWith("--")
                    && argument.length() > 2
                    && !argument.equals("--help")
                    && !argument.equals("--version");
            if (!springArgument) {
                return null;
            }
        }
        return arguments;
    }

    static int serve(List<String> arguments) {
        for (String argument : arguments) {
            if (!argument.startsWith("--")) {
                throw new CommandLine.ParameterException(
                        new CommandLine(new DataSaasCommand()),
                        "Unknown command '" + argument + "'. Run with --help to list the commands.");
            }
        }
        StartupSteps.run(DataSaasApplication.class, arguments.toArray(String[]::new));
        serving = true;
        return 0;
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Run the service (the default when no command is given).",
                "Spring Boot arguments such as --server.port=9000 are passed on."
            })
    static final class Serve implements Callable<Integer> {
        @Unmatched
        List<String> serverArguments = new ArrayList<>();

        @Override
        public Integer call() {
            return serve(serverArguments);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"DataSaaS " + Versions.app()};
        }
    }
}
