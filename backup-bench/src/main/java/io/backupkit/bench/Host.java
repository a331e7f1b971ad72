package io.backupkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A long-running engine JVM ({@code Runner serve}), as an application that embeds the engine runs it:
 * the JVM, its loaded classes and its compiled code outlive each operation. {@link #call} sends one
 * command line and returns the {@code RESULT} line; the JVM's stderr goes to {@code host.log} in the
 * run directory. The process is registered in {@code live} so that the benchmark's cleanup stops it.
 */
final class Host implements AutoCloseable {
    private final Process process;
    private final Writer commands;
    private final BufferedReader results;
    private final Path log;

    private Host(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.results = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Host start(List<String> command, Path directory, Set<ProcessHandle> live) throws IOException {
        Path log = directory.resolve("host.log");
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        live.add(process.toHandle());
        return new Host(process, log);
    }

    /** Runs one command (the arguments of {@link Runner}) and returns its {@code RESULT} line. */
    String call(List<String> arguments) throws IOException {
        for (String argument : arguments) {
            if (argument.contains(" ") || argument.contains("\n")) {
                throw new IllegalArgumentException("A host argument may not contain spaces: '" + argument + "'");
            }
        }
        commands.write(String.join(" ", arguments) + "\n");
        commands.flush();
        String line;
        while ((line = results.readLine()) != null) {
            if (line.startsWith("RESULT")) {
                return line;
            }
            if (line.startsWith("FAILED")) {
                throw new IllegalStateException("The engine host failed " + arguments.get(0) + ": "
                        + line.substring("FAILED".length()).strip() + " (stack trace in " + log + ")");
            }
        }
        throw new IllegalStateException("The engine host exited (" + exitValue() + ") during " + arguments
                + "; its log is " + log);
    }

    private String exitValue() {
        try {
            return "exit " + process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Ends the host: closes its stdin and waits for it; kills it if it does not end in 30 s. */
    @Override
    public void close() throws IOException {
        commands.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
