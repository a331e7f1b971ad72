package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModule.invalid;

import io.backupkit.spi.ModuleConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the roots from the host's configuration of the module, strictly. */
final class Configuration {
    private static final Pattern ROOT_KEY = Pattern.compile("root\\.([^.]*)");
    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("root\\.([^.]*)\\.(type|optional)");
    private static final Pattern ROOT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String CONFIG = "config";
    private static final String DATA = "data";

    private Configuration() {
    }

    /**
     * The roots by name, sorted; empty when none is configured.
     *
     * @throws io.backupkit.api.BackupException {@code INVALID_INPUT} naming the key and its value
     */
    static Map<String, Root> roots(ModuleConfig config) {
        Map<String, Path> paths = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        Map<String, String> optional = new TreeMap<>();
        for (String key : config.keys()) {
            String value = config.get(key).orElseThrow();
            Matcher attribute = ATTRIBUTE_KEY.matcher(key);
            Matcher root = ROOT_KEY.matcher(key);
            if (attribute.matches()) {
                checkRootName(key, value, attribute.group(1));
                if (attribute.group(2).equals("type")) {
                    checkValue(key, value, CONFIG, DATA);
                    types.put(attribute.group(1), value);
                } else {
                    checkValue(key, value, "true", "false");
                    optional.put(attribute.group(1), value);
                }
            } else if (root.matches()) {
                checkRootName(key, value, root.group(1));
                paths.put(root.group(1), rootPath(key, value));
            } else {
                throw invalid("configuration key '" + key + "' is not known (value '" + value
                        + "'); expected 'root.<name>', 'root.<name>.type' or 'root.<name>.optional'");
            }
        }
        checkAttributesHaveRoots(paths, types, "type");
        checkAttributesHaveRoots(paths, optional, "optional");
        Map<String, Root> configured = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            String name = e.getKey();
            Root root = new Root(name, e.getValue(), CONFIG.equals(types.get(name)), "true".equals(optional.get(name)));
            for (Root other : configured.values()) {
                if (root.overlaps(other)) {
                    throw invalid("roots 'root." + other.name() + "' ('" + other.path() + "') and 'root." + root.name()
                            + "' ('" + root.path() + "') overlap");
                }
            }
            configured.put(name, root);
        }
        Set<String> unread = config.unreadKeys();
        if (!unread.isEmpty()) {
            throw invalid("configuration keys " + unread + " were not read");
        }
        return Collections.unmodifiableMap(new TreeMap<>(configured));
    }

    private static void checkValue(String key, String value, String one, String other) {
        if (!value.equals(one) && !value.equals(other)) {
            throw invalid("configuration key '" + key + "' must be '" + one + "' or '" + other + "' (got '" + value
                    + "')");
        }
    }

    private static void checkAttributesHaveRoots(Map<String, Path> paths, Map<String, String> attributes,
            String attribute) {
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!paths.containsKey(e.getKey())) {
                throw invalid("configuration key 'root." + e.getKey() + "." + attribute + "' has no 'root."
                        + e.getKey() + "' (value '" + e.getValue() + "')");
            }
        }
    }

    private static void checkRootName(String key, String value, String name) {
        if (!ROOT_NAME.matcher(name).matches()) {
            throw invalid("configuration key '" + key + "' (value '" + value + "') has the root name '" + name
                    + "', which must match [A-Za-z0-9_-]+");
        }
    }

    private static Path rootPath(String key, String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid("configuration key '" + key + "' is not a valid path (got '" + value + "')");
        }
        if (!path.isAbsolute()) {
            throw invalid("configuration key '" + key + "' must be an absolute path (got '" + value + "')");
        }
        path = path.normalize();
        if (path.getParent() == null) {
            throw invalid("configuration key '" + key + "' must not be the file system root (got '" + value + "')");
        }
        return path;
    }
}
