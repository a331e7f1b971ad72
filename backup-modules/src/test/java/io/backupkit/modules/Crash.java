package io.backupkit.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Test helper for crash tests: a child JVM, run with the test class path, that halts at a named step as
 * a killed process would (no finally block, no shutdown hook runs), and copies of the tree it left.
 */
public final class Crash {
    /** The exit status of a child that halted at its step. */
    public static final int HALTED = 3;

    private static final String JOURNAL = "JOURNAL ";

    private Crash() {
    }

    /**
     * A step hook for the child: halts the JVM when it is called with {@code step}, after saying so on
     * standard output.
     */
    public static Consumer<String> haltAt(String step) {
        return name -> {
            if (name.equals(step)) {
                System.out.println("HALT " + name);
                System.out.flush();
                Runtime.getRuntime().halt(HALTED);
            }
        };
    }

    /** Prints a stage's journal for {@link #journal}. */
    public static void printJournal(Map<String, String> journal) {
        journal.forEach((key, value) -> System.out.println(JOURNAL + key + "=" + value));
        System.out.flush();
    }

    /**
     * Runs {@code main} in a child JVM with {@code args}, expects it to halt at its step, and returns
     * what it printed.
     */
    public static List<String> run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).as("exit status of the child that was to halt at %s; it said %s", List.of(args),
                lines).isEqualTo(HALTED);
        return lines;
    }

    /** The journal the child printed, its paths moved from {@code from} to {@code to}. */
    public static Map<String, String> journal(List<String> lines, Path from, Path to) {
        Map<String, String> journal = new TreeMap<>();
        for (String line : lines) {
            if (line.startsWith(JOURNAL)) {
                String entry = line.substring(JOURNAL.length());
                int eq = entry.indexOf('=');
                journal.put(entry.substring(0, eq), entry.substring(eq + 1).replace(from.toString(), to.toString()));
            }
        }
        return journal;
    }

    /** Copies a tree with its files' and directories' permissions and modification times, links as links. */
    public static void copyTree(Path from, Path to) throws IOException {
        List<Path> directories = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                    directories.add(p);
                } else {
                    Files.copy(p, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        directories.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : directories) {
            Path target = to.resolve(from.relativize(p).toString());
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(target, a.permissions());
            Files.setLastModifiedTime(target, a.lastModifiedTime());
        }
    }

    /** Every path below {@code dir} whose name holds {@code text}, relative. */
    public static List<String> named(Path dir, String text) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> p.getFileName().toString().contains(text)).map(p -> dir.relativize(p).toString())
                    .sorted().toList();
        }
    }
}
