package io.backupkit.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layering and logging rules of the reactor, checked on the main sources of every artifact: a
 * scanner for {@link ReactorRulesTest}, tested on its own by {@link SourceRulesTest}. It reads the Java
 * sources, so it also sees a class named only in a string (for reflection), which a check of the
 * bytecode's references would miss. Comments are ignored; string literals are not.
 */
final class SourceRules {
    private static final String CORE = "backup-core";
    private static final String API = "backup-api";

    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
    private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*</artifactId>");
    private static final Pattern CORE_INTERNAL = Pattern.compile("\\bio\\.backupkit\\.core\\.internal\\b");
    private static final Pattern IMPORT =
            Pattern.compile("(?m)^[ \\t]*import[ \\t]+(?:static[ \\t]+)?([\\w.]+?)(?:\\.\\*)?[ \\t]*;");
    /** A qualified type name used in code: two or more package segments, then a type. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:[a-z_][a-z0-9_]*\\.){2,})[A-Z]");
    private static final Pattern API_ALLOWED =
            Pattern.compile("(java|javax|io\\.backupkit\\.api|io\\.backupkit\\.spi)\\..*");
    private static final Pattern JDK_LOGGING = Pattern.compile(
            "\\bSystem\\s*\\.\\s*(Logger|LoggerFinder|getLogger)\\b|\\bjava\\s*\\.\\s*util\\s*\\.\\s*logging\\b");

    /**
     * One main source file: the artifact it belongs to, its path relative to the reactor root, and its
     * text with the comments blanked ({@link SourceRules#withoutComments}).
     */
    record Source(String artifact, Path path, String code) {
    }

    private final Path root;
    private final List<Source> sources;

    private SourceRules(Path root, List<Source> sources) {
        this.root = root;
        this.sources = sources;
    }

    /** The reactor above {@code start}: the top-most directory on the way up that holds a pom.xml. */
    static SourceRules ofReactorAbove(Path start) throws IOException {
        Path root = null;
        for (Path dir = start.toAbsolutePath().normalize(); dir != null && Files.isRegularFile(dir.resolve("pom.xml"));
                dir = dir.getParent()) {
            root = dir;
        }
        if (root == null) {
            throw new IllegalStateException("No pom.xml in '" + start.toAbsolutePath() + "' or above it");
        }
        return of(root);
    }

    /** The main sources of every artifact of the reactor whose parent pom is {@code root/pom.xml}. */
    static SourceRules of(Path root) throws IOException {
        Map<String, Path> artifacts = new LinkedHashMap<>();
        collect(root, root, artifacts);
        if (artifacts.isEmpty()) {
            throw new IllegalStateException("The pom.xml in '" + root + "' lists no <module>");
        }
        List<Source> sources = new ArrayList<>();
        for (Map.Entry<String, Path> artifact : artifacts.entrySet()) {
            Path main = artifact.getValue().resolve("src/main/java");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String code = withoutComments(Files.readString(file));
                    sources.add(new Source(artifact.getKey(), root.relativize(file), code));
                }
            }
        }
        return new SourceRules(root, sources);
    }

    /** The modules of the aggregator pom in {@code dir}, and theirs, keyed by artifactId. */
    private static void collect(Path root, Path dir, Map<String, Path> artifacts) throws IOException {
        Matcher m = MODULE.matcher(pom(dir.resolve("pom.xml")));
        while (m.find()) {
            Path module = dir.resolve(m.group(1)).normalize();
            Path pom = module.resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                throw new IllegalStateException("Module '" + root.relativize(module) + "' has no pom.xml");
            }
            artifacts.put(artifactId(pom), module);
            collect(root, module, artifacts);
        }
    }

    /** The project's own artifactId: the first one outside the {@code <parent>} element. */
    private static String artifactId(Path pom) throws IOException {
        Matcher m = ARTIFACT_ID.matcher(pom(pom).replaceAll("(?s)<parent>.*?</parent>", ""));
        if (!m.find()) {
            throw new IllegalStateException("'" + pom + "' has no artifactId");
        }
        return m.group(1);
    }

    /** A pom without its XML comments. */
    private static String pom(Path pom) throws IOException {
        return Files.readString(pom).replaceAll("(?s)<!--.*?-->", "");
    }

    Path root() {
        return root;
    }

    List<Source> sources() {
        return sources;
    }

    /** Main code of an artifact other than backup-core that imports or names {@code io.backupkit.core.internal}. */
    List<String> coreInternalOutsideCore() {
        List<String> found = new ArrayList<>();
        for (Source source : sources) {
            if (!source.artifact().equals(CORE)) {
                find(source, CORE_INTERNAL, "names io.backupkit.core.internal outside backup-core", found);
            }
        }
        return found;
    }

    /**
     * Main code of backup-api that imports or names, fully qualified, anything outside {@code java.*},
     * {@code javax.*}, {@code io.backupkit.api} and {@code io.backupkit.spi}.
     */
    List<String> apiBeyondTheJdk() {
        List<String> found = new ArrayList<>();
        for (Source source : sources) {
            if (!source.artifact().equals(API)) {
                continue;
            }
            String code = source.code();
            Matcher m = IMPORT.matcher(code);
            while (m.find()) {
                if (!API_ALLOWED.matcher(m.group(1) + ".").matches()) {
                    found.add(report(source, code, m.start(1), "backup-api imports '" + m.group(1) + "'"));
                }
            }
            String body = IMPORT.matcher(code).replaceAll(r -> " ".repeat(r.group().length()));
            m = QUALIFIED.matcher(body);
            while (m.find()) {
                String name = m.group(1); // with its trailing dot
                if (!API_ALLOWED.matcher(name).matches()) {
                    found.add(report(source, code, m.start(1),
                            "backup-api names '" + name.substring(0, name.length() - 1) + "'"));
                }
            }
        }
        return found;
    }

    /** Main code that logs through {@code System.Logger} or {@code java.util.logging} instead of SLF4J. */
    List<String> jdkLogging() {
        List<String> found = new ArrayList<>();
        for (Source source : sources) {
            find(source, JDK_LOGGING, "uses System.Logger or java.util.logging, not SLF4J", found);
        }
        return found;
    }

    private static void find(Source source, Pattern pattern, String rule, List<String> found) {
        String code = source.code();
        Matcher m = pattern.matcher(code);
        String previous = null;
        while (m.find()) {
            String report = report(source, code, m.start(), rule);
            if (!report.equals(previous)) { // once per line
                found.add(report);
            }
            previous = report;
        }
    }

    /** {@code path:line: rule: the line}, the line as written (comments blanked). */
    private static String report(Source source, String code, int offset, String rule) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        int start = code.lastIndexOf('\n', offset - 1) + 1;
        int end = code.indexOf('\n', offset);
        String text = code.substring(start, end < 0 ? code.length() : end).strip();
        return source.path().toString().replace('\\', '/') + ":" + line + ": " + rule + ": " + text;
    }

    /**
     * The source with every comment replaced by spaces (line breaks kept, so offsets and line numbers
     * stay), string, text block and character literals kept as they are.
     */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int n = source.length();
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    out.append(source.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && escaped(source, end)) {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
                out.append(source, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
                out.append(source, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Whether the character at {@code at} follows an odd number of backslashes. */
    private static boolean escaped(String source, int at) {
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && source.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
