package io.backupkit.server;

import io.backupkit.server.cli.Cli;
import io.backupkit.server.cli.ClientDefaults;

/** {@code java -jar backupkit.jar <command>}: the service ({@code serve}) and the command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(config -> ClientDefaults.NONE).execute(args));
    }
}
