package io.backupkit.transport.sftp;

import com.hierynomus.sshj.key.KeyAlgorithms;
import com.hierynomus.sshj.transport.cipher.BlockCiphers;
import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import com.hierynomus.sshj.transport.kex.ExtInfoClientFactory;
import com.hierynomus.sshj.transport.mac.Macs;
import java.util.ArrayList;
import java.util.List;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.transport.kex.Curve25519SHA256;
import net.schmizz.sshj.transport.kex.DHGexSHA256;
import net.schmizz.sshj.transport.kex.ECDHNistP;
import com.hierynomus.sshj.transport.kex.DHGroups;

/**
 * The algorithms we offer: modern ones only, fastest first, all served by the JDK's own providers.
 * No SHA-1 signatures or key exchange, no CBC, no 3DES or arcfour, no MD5 or SHA-1 MACs. Strict key
 * exchange (the Terrapin mitigation, {@code kex-strict-c-v00@openssh.com}) is always offered by sshj
 * on the first key exchange, and used when the server offers it too.
 */
final class Algorithms {
    static {
        // sshj uses BouncyCastle whenever it is on the class path, and its AES has no AES-NI:
        // 4-5x slower than the JDK's. Ask for the JDK's providers before the first client exists.
        SecurityUtils.setRegisterBouncyCastle(false);
        SecurityUtils.setSecurityProvider(null);
    }

    private Algorithms() {
    }

    /** A client configuration offering only modern algorithms. */
    static DefaultConfig config() {
        DefaultConfig config = new DefaultConfig();
        config.setKeyExchangeFactories(
                new Curve25519SHA256.Factory(),
                new Curve25519SHA256.FactoryLibSsh(),
                new ECDHNistP.Factory521(),
                new ECDHNistP.Factory384(),
                new ECDHNistP.Factory256(),
                new DHGexSHA256.Factory(),
                DHGroups.Group16SHA512(),
                DHGroups.Group18SHA512(),
                new ExtInfoClientFactory());
        config.setKeyAlgorithms(List.of(
                KeyAlgorithms.EdDSA25519(),
                KeyAlgorithms.ECDSASHANistp521(),
                KeyAlgorithms.ECDSASHANistp384(),
                KeyAlgorithms.ECDSASHANistp256(),
                KeyAlgorithms.RSASHA512(),
                KeyAlgorithms.RSASHA256()));
        config.setCipherFactories(usable(List.of(
                GcmCiphers.AES128GCM(),
                GcmCiphers.AES256GCM(),
                BlockCiphers.AES128CTR(),
                BlockCiphers.AES256CTR(),
                BlockCiphers.AES192CTR())));
        config.setMACFactories(
                Macs.HMACSHA2256Etm(),
                Macs.HMACSHA2512Etm(),
                Macs.HMACSHA2256(),
                Macs.HMACSHA2512());
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return config;
    }

    /** The ciphers this JDK can run (all of these on any JDK 17; checked all the same). */
    private static List<Factory.Named<Cipher>> usable(List<Factory.Named<Cipher>> ciphers) {
        List<Factory.Named<Cipher>> usable = new ArrayList<>();
        for (Factory.Named<Cipher> factory : ciphers) {
            try {
                Cipher cipher = factory.create();
                cipher.init(Cipher.Mode.Encrypt, new byte[cipher.getBlockSize()], new byte[cipher.getIVSize()]);
                usable.add(factory);
            } catch (RuntimeException e) {
                // not available in this JDK
            }
        }
        return usable;
    }
}
