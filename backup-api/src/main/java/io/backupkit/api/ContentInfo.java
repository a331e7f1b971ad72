package io.backupkit.api;

import java.util.List;
import java.util.Optional;

/**
 * What a backup contains, or what a restore restores (type {@code content_info}).
 *
 * @param configOnly configuration data only; on restore, true forces a config-only restore and has no
 *     effect on a backup that is config-only already
 * @param modules the modules chosen, with their options; null means every available module. When
 *     given it is not empty and names each module once
 */
public record ContentInfo(boolean configOnly, List<ModuleSelection> modules) {
    public ContentInfo {
        modules = Checker.copyOrNull(modules);
        Checker c = new Checker("content_info");
        if (modules != null) {
            if (modules.isEmpty()) {
                c.failNoValue("modules", "must not be empty (omit it to mean every module)");
            }
            c.distinct("modules", modules.stream().map(ModuleSelection::module).toList());
        }
        c.throwIfAny();
    }

    /** Every available module, configuration and data. */
    public static ContentInfo everything() {
        return new ContentInfo(false, null);
    }

    /** The chosen modules; empty when every available module is meant. */
    public Optional<List<ModuleSelection>> selectedModules() {
        return Optional.ofNullable(modules);
    }
}
