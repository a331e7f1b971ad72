package io.backupkit.server.cli;

import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code backupkit} command line: every command but {@code serve} is a client of the HTTP API.
 * Exit codes: 0 ok, 1 failed, 2 usage, 3 completed with warnings.
 */
@Command(name = "backupkit", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Backup and restore through the backupkit HTTP API.")
public final class Cli implements Runnable {
    /** Exit code: the command did what it was asked. */
    public static final int OK = 0;
    /** Exit code: the command failed. */
    public static final int FAILED = 1;
    /** Exit code: the command line was wrong. */
    public static final int USAGE = 2;
    /** Exit code: the operation completed with warnings. */
    public static final int WARNINGS = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Cli() {
    }

    /**
     * The command line with its client commands and the given extra ones (such as {@code serve}).
     *
     * @param defaults reads the client defaults from a config file
     * @param extraCommands more subcommands, each a picocli command object
     */
    public static CommandLine commandLine(Function<Path, ClientDefaults> defaults, Object... extraCommands) {
        CommandLine line = new CommandLine(new Cli());
        for (Object command : extraCommands) {
            line.addSubcommand(command);
        }
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"backupkit " + (version == null ? "(development build)" : version)};
        }
    }
}
