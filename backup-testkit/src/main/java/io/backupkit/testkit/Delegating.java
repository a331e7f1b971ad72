package io.backupkit.testkit;

import io.backupkit.api.ModuleInfo;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.util.Map;

/**
 * A module that forwards every call to another, except {@link #configure}: override what a test needs
 * to change (a format version, a failure, a pause), or give a fake a public no-arg constructor for
 * {@link java.util.ServiceLoader}.
 *
 * <p>{@code configure} is not forwarded on purpose: the delegate is configured already, and the engine
 * configures every registered module (with an empty configuration when the host gives none).
 */
public abstract class Delegating implements BackupModule {
    private final BackupModule delegate;

    protected Delegating(BackupModule delegate) {
        this.delegate = delegate;
    }

    /** The module calls are forwarded to. */
    protected final BackupModule delegate() {
        return delegate;
    }

    @Override
    public ModuleInfo info() {
        return delegate.info();
    }

    @Override
    public int formatVersion() {
        return delegate.formatVersion();
    }

    @Override
    public boolean canRead(int version) {
        return delegate.canRead(version);
    }

    @Override
    public boolean canBackup() {
        return delegate.canBackup();
    }

    @Override
    public boolean canRestore() {
        return delegate.canRestore();
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        return delegate.estimate(context);
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        delegate.backup(context, sink);
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        return delegate.prepare(context, entries);
    }

    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        delegate.factoryReset(cancellation);
    }

    @Override
    public void recover(String restoreId, Map<String, String> journal, boolean forward) throws IOException {
        delegate.recover(restoreId, journal, forward);
    }
}
