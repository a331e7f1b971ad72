package io.backupkit.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The {@code java} command of the fresh-JVM rows, the case of a command-line tool: {@code -Xmx}, the
 * options of {@code --cold-java}, a class path of jars as a tool ships ({@link #jars}), and with {@code
 * --cold-cds on} a dynamic AppCDS archive of the classes an engine loads for a backup ({@code
 * -XX:SharedArchiveFile}), which {@link #train} makes with one untimed backup and {@code
 * -XX:ArchiveClassesAtExit} before the timed runs. A dynamic archive sits on top of the JDK's own default
 * CDS archive and is only used with the class path (the same jars, unchanged) it was made with.
 */
final class ColdJvm {
    /** Why the fresh-JVM rows run as they do by default, for the report: measured with {@code --only backup-local-cold}. */
    static final String EFFECT = "The fresh-JVM rows run by default with an AppCDS archive of the engine's classes, "
            + "made by the benchmark before their timed runs with one untimed backup under `-XX:ArchiveClassesAtExit`, "
            + "and `-XX:+UseSerialGC` for a short-lived process (`--cold-cds on --cold-java -XX:+UseSerialGC`). Measured "
            + "with `--only backup-local-cold --rss-check off` on a 2-core Intel Xeon VM under JDK 17.0.15 (2026-12-08, "
            + "medians of 6-10 runs, load 1.6-2.4): against the JVM's defaults the archive saved 0.1-0.2 s of start "
            + "(16 MiB: 0.65 to 0.43 s; 256 MiB: 1.25 to 1.10 s; 1 GiB: 2.79 to 2.69 s) and the serial collector cut "
            + "the peak RSS by a quarter at the same speed (256 MiB: 154 to 116 MiB; 1 GiB: 171 to 128 MiB). "
            + "`-XX:TieredStopAtLevel=1` (C1 only) made 256 MiB and 1 GiB 2-3x slower and is not used; "
            + "`-XX:-UsePerfData` changed nothing measurable. README, \"The fresh-JVM row\", has every variant.";

    private final List<String> java;
    private final List<String> options;
    private final Path archive;

    private ColdJvm(List<String> java, List<String> options, Path archive) {
        this.java = List.copyOf(java);
        this.options = List.copyOf(options);
        this.archive = archive;
    }

    /** {@code java -Xmx<heap> <options>}; {@code archive}: where {@link #train} puts the archive, or null for none. */
    static ColdJvm of(String heap, List<String> options, Path archive) {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        java.addAll(options);
        return new ColdJvm(java, options, archive);
    }

    /** The command running {@link Runner} with {@code arguments}, with the archive when there is one. */
    List<String> command(String classpath, List<String> arguments) {
        return command(classpath, arguments, archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive));
    }

    /**
     * Makes the class-data archive by running {@code arguments} (an uncompressed backup) once with
     * {@code -XX:ArchiveClassesAtExit}; nothing when there is no archive to make. Fails when the JVM
     * wrote no archive.
     */
    void train(String classpath, List<String> arguments, ProcessRunner runner) throws IOException {
        if (archive == null) {
            return;
        }
        Files.deleteIfExists(archive);
        runner.run(command(classpath, arguments, List.of("-XX:ArchiveClassesAtExit=" + archive)));
        if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
            throw new IllegalStateException("The JVM wrote no class-data archive at " + archive
                    + " (-XX:ArchiveClassesAtExit); run the benchmark with --cold-cds off");
        }
    }

    /** What the rows say about it: {@code AppCDS, -XX:+UseSerialGC}, or {@code default JVM options}. */
    String label() {
        List<String> parts = new ArrayList<>();
        if (archive != null) {
            parts.add("AppCDS");
        }
        parts.addAll(options);
        return parts.isEmpty() ? "default JVM options" : String.join(", ", parts);
    }

    /** The command line for the report, with {@code ENGINE.jsa} for the archive. */
    String display() {
        List<String> words = new ArrayList<>(List.of("java", java.get(1)));
        words.addAll(options);
        if (archive != null) {
            words.add("-XX:SharedArchiveFile=ENGINE.jsa");
        }
        words.addAll(List.of("-cp", "CLASSPATH", Runner.class.getName(), "backup", "..."));
        return String.join(" ", words);
    }

    private List<String> command(String classpath, List<String> arguments, List<String> share) {
        List<String> command = new ArrayList<>(java);
        command.addAll(share);
        command.addAll(List.of("-cp", classpath, Runner.class.getName()));
        command.addAll(arguments);
        return command;
    }

    /**
     * {@code classpath} with every directory in it packed into a jar in {@code directory} (JDK 17's CDS
     * refuses a class path with a non-empty directory, and a command-line tool ships jars anyway); jars
     * and missing entries stay as they are.
     */
    static String jars(String classpath, Path directory) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!entry.isEmpty() && Files.isDirectory(path)) {
                Path jar = directory.resolve("classpath-" + n++ + ".jar");
                pack(path, jar);
                entries.add(jar.toString());
            } else if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void pack(Path root, Path jar) throws IOException {
        try (Stream<Path> files = Files.walk(root);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(root.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** Runs a command to its end, failing when it fails. */
    @FunctionalInterface
    interface ProcessRunner {
        void run(List<String> command) throws IOException;
    }
}
