package io.seqstream.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Ephemeral ports on 127.0.0.1 that were free a moment ago (bound to port 0, then released). */
final class FreePorts {
    private final Set<Integer> handedOut = new HashSet<>();

    /** A free port not handed out by this instance before. */
    int next() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int p = probe();
            if (handedOut.add(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free port found on 127.0.0.1");
    }

    private static int probe() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LocalCluster.HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + LocalCluster.HOST, e);
        }
    }
}
