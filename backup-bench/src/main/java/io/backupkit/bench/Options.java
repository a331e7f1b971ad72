package io.backupkit.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's settings, parsed from its command line.
 *
 * @param size the data set's size in bytes
 * @param runs how many times each pair runs
 * @param out where the Markdown report goes
 * @param work the work directory (data sets and a run directory), or null for the default
 * @param rssCheck the size of the single RSS-check backup in bytes, 0 for none
 * @param heap the child JVM's {@code -Xmx} value
 * @param sftp whether to run the SFTP pairs
 * @param seed the data set's seed
 * @param deleteData whether to delete the generated data sets at the end
 * @param classpath the child JVM's class path
 */
record Options(long size, int runs, Path out, Path work, long rssCheck, String heap, Sftp sftp, long seed,
        boolean deleteData, String classpath) {
    static final String USAGE = String.join("\n",
            "usage: Benchmark [options]",
            "  --size SIZE        data set size, e.g. 512m, 1g (default 1g)",
            "  --runs N           runs of each pair; the median is reported (default 3)",
            "  --out FILE         the Markdown report (default BENCHMARK.md)",
            "  --work DIR         data sets and scratch space (default /dev/shm/backupkit-bench when it has",
            "                     room, else <java.io.tmpdir>/backupkit-bench); data sets are kept and reused",
            "  --rss-check SIZE   one more uncompressed local backup of a data set of SIZE for its peak RSS,",
            "                     or 'off' (default 4g)",
            "  --heap SIZE        -Xmx of the engine's JVM (default 128m)",
            "  --sftp auto|yes|no the SFTP pairs against a local OpenSSH sshd; auto: when installed (default auto)",
            "  --seed N           the data set's seed (default 20240917)",
            "  --delete-data      delete the data sets at the end instead of keeping them for the next run",
            "  --classpath CP     the engine JVM's class path (default: this JVM's)");

    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");

    /** When the SFTP pairs run. */
    enum Sftp { AUTO, YES, NO }

    Options {
        if (size < 1 << 20) {
            throw new IllegalArgumentException("The data set must be at least 1 MiB (got " + size + " bytes)");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1 (got " + runs + ")");
        }
        requireNonNull(out, "out is null");
        if (rssCheck != 0 && rssCheck < 1 << 20) {
            throw new IllegalArgumentException("--rss-check must be at least 1m or 'off' (got " + rssCheck + " bytes)");
        }
        requireNonNull(heap, "heap is null");
        requireNonNull(sftp, "sftp is null");
        requireNonNull(classpath, "classpath is null");
    }

    static Options defaults() {
        return new Options(1L << 30, 3, Path.of("BENCHMARK.md"), null, 4L << 30, "128m", Sftp.AUTO, 20240917L,
                false, System.getProperty("java.class.path"));
    }

    static Options parse(List<String> args) {
        Options o = defaults();
        long size = o.size;
        int runs = o.runs;
        Path out = o.out;
        Path work = o.work;
        long rssCheck = o.rssCheck;
        String heap = o.heap;
        Sftp sftp = o.sftp;
        long seed = o.seed;
        boolean deleteData = o.deleteData;
        String classpath = o.classpath;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--delete-data")) {
                deleteData = true;
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("Option '" + arg + "' needs a value or is unknown\n" + USAGE);
            }
            String value = args.get(++i);
            switch (arg) {
                case "--size" -> size = parseSize(arg, value);
                case "--runs" -> runs = parseInt(arg, value);
                case "--out" -> out = Path.of(value);
                case "--work" -> work = Path.of(value);
                case "--rss-check" -> rssCheck = value.equalsIgnoreCase("off") ? 0 : parseSize(arg, value);
                case "--heap" -> heap = value;
                case "--sftp" -> sftp = switch (value.toLowerCase(Locale.ROOT)) {
                    case "auto" -> Sftp.AUTO;
                    case "yes" -> Sftp.YES;
                    case "no" -> Sftp.NO;
                    default -> throw new IllegalArgumentException("--sftp takes auto, yes or no (got '" + value + "')");
                };
                case "--seed" -> seed = parseLong(arg, value);
                case "--classpath" -> classpath = value;
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
            }
        }
        return new Options(size, runs, out, work, rssCheck, heap, sftp, seed, deleteData, classpath);
    }

    /** {@code 8m}, {@code 1g}, {@code 1GiB}, {@code 4096}: binary units. */
    static long parseSize(String option, String value) {
        Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a size such as 512m or 1g (got '" + value + "')");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException("too large");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is too large (got '" + value + "')", e);
        }
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number (got '" + value + "')", e);
        }
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number (got '" + value + "')", e);
        }
    }

    /**
     * The work directory: {@code --work}, or {@code /dev/shm/backupkit-bench} when /dev/shm exists and
     * has the room that {@code needed} asks for that directory, else {@code <java.io.tmpdir>/backupkit-bench}.
     */
    Path workDirectory(ToLongFunction<Path> needed) throws IOException {
        if (work != null) {
            return work.toAbsolutePath();
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path candidate = shm.resolve("backupkit-bench");
            if (Files.getFileStore(shm).getUsableSpace() >= needed.applyAsLong(candidate)) {
                return candidate;
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve("backupkit-bench");
    }

    /** {@code 1 GiB}, {@code 8 MiB}, {@code 1536 KiB}. */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%d %s", (long) value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
