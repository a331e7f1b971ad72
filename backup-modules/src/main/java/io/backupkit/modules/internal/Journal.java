package io.backupkit.modules.internal;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restore journal of the built-in modules: for each restored item (a root, a database),
 * {@code <prefix>.<name>}: its live path, and {@code <prefix>.<name>.existed}: {@code true} or
 * {@code false}, whether it existed when the restore was prepared. Not API.
 */
public final class Journal {
    private static final Pattern RESTORE_ID = Pattern.compile("[A-Za-z0-9-]+");
    private static final String EXISTED = ".existed";

    private Journal() {
    }

    /** One restored item. */
    public record Item(String name, Path live, boolean existed) {
    }

    /** The journal of these items. */
    public static Map<String, String> of(String prefix, List<Item> items) {
        Map<String, String> journal = new TreeMap<>();
        for (Item item : items) {
            journal.put(prefix + "." + item.name(), item.live().toString());
            journal.put(prefix + "." + item.name() + EXISTED, Boolean.toString(item.existed()));
        }
        return Map.copyOf(journal);
    }

    /**
     * The items of a journal. An empty journal (a crash during prepare) gives every configured item, as
     * existing: their stages are to be deleted, their live data left alone.
     *
     * @throws IllegalArgumentException when the restore id is not {@code [A-Za-z0-9-]+}, so that no path
     *     built from it leaves the live data's directory
     * @throws IOException naming a key or value of the journal that is not known
     */
    public static List<Item> read(String module, String prefix, String restoreId, Map<String, String> journal,
            Map<String, Path> configured) throws IOException {
        if (!RESTORE_ID.matcher(restoreId).matches()) {
            throw new IllegalArgumentException("restoreId must match [A-Za-z0-9-]+ (got '" + restoreId + "')");
        }
        List<Item> items = new ArrayList<>();
        if (journal.isEmpty()) {
            configured.forEach((name, live) -> items.add(new Item(name, live, true)));
            return items;
        }
        Pattern key = Pattern.compile(Pattern.quote(prefix) + "\\.([A-Za-z0-9_-]+)(\\.existed)?");
        for (Map.Entry<String, String> e : new TreeMap<>(journal).entrySet()) {
            Matcher m = key.matcher(e.getKey());
            String value = e.getValue();
            boolean known = m.matches() && (m.group(2) == null ? isAbsolute(value)
                    : value.equals("true") || value.equals("false"));
            if (!known || (m.group(2) != null && !journal.containsKey(prefix + "." + m.group(1)))) {
                throw new IOException("Module '" + module + "' cannot recover a restore from the journal key '"
                        + e.getKey() + "' (value '" + value + "')");
            }
            if (m.group(2) == null) {
                items.add(new Item(m.group(1), Path.of(value),
                        !"false".equals(journal.get(prefix + "." + m.group(1) + EXISTED))));
            }
        }
        return items;
    }

    private static boolean isAbsolute(String path) {
        try {
            Path p = Path.of(path);
            return p.isAbsolute() && p.getParent() != null;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
