package io.backupkit.modules.files;

import io.backupkit.spi.Entry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/** The {@code include} and {@code exclude} options. */
record Filter(List<PathMatcher> includes, List<PathMatcher> excludes) {
    static Filter of(List<String> includes, List<String> excludes) {
        return new Filter(matchers(FilesModule.INCLUDE, includes), matchers(FilesModule.EXCLUDE, excludes));
    }

    private static List<PathMatcher> matchers(String option, List<String> patterns) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern == null || pattern.isEmpty()) {
                throw FilesModule.invalid("option '" + option + "' needs a glob pattern (got '" + pattern + "')");
            }
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
            } catch (PatternSyntaxException e) {
                throw FilesModule.invalid("option '" + option + "' is not a valid glob pattern (got '" + pattern
                        + "'): " + e.getDescription());
            }
        }
        return List.copyOf(matchers);
    }

    boolean isEmpty() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    private static boolean matches(List<PathMatcher> matchers, String rootName, String relative) {
        if (matchers.isEmpty()) {
            return false;
        }
        Path rel = Path.of(relative);
        Path full = Path.of(rootName, relative);
        for (PathMatcher m : matchers) {
            if (m.matches(rel) || m.matches(full)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an exclude matches this path itself. */
    boolean excludes(String rootName, String relative) {
        return matches(excludes, rootName, relative);
    }

    /** Whether a file is selected, given that no parent directory is excluded. */
    boolean selectsFile(String rootName, String relative) {
        return (includes.isEmpty() || matches(includes, rootName, relative)) && !excludes(rootName, relative);
    }

    /** Whether a path is selected, checking every parent directory against the excludes too. */
    boolean selects(String rootName, String relative, boolean directory) {
        for (int i = relative.indexOf('/'); i >= 0; i = relative.indexOf('/', i + 1)) {
            if (excludes(rootName, relative.substring(0, i))) {
                return false;
            }
        }
        return directory ? !excludes(rootName, relative) : selectsFile(rootName, relative);
    }

    /** {@link #selects} for an archive entry, whose name may not be a valid path here. */
    boolean selects(String rootName, String relative, Entry entry) throws IOException {
        try {
            return selects(rootName, relative, entry.directory());
        } catch (InvalidPathException e) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + FilesModule.NAME
                    + "' is not a valid path", e);
        }
    }
}
