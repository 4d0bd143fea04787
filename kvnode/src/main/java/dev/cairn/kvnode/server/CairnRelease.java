package dev.cairn.kvnode.server;

/**
 * Which Cairn release this process runs: what a member publishes to the cluster, reports in {@code /version}, logs
 * and exports as {@code cairn_kvnode_build_info}. Normally the jar's own version (its manifest). Where one build
 * stands for several images — the local control plane runs every {@code cairn/kvnode:<tag>} from the same jar and
 * names the image with {@code -Dcairn.image=<image>} — the image's tag is the release, when it is a semantic version;
 * tests use the same property to run "0.1.0" and "0.1.1" from one build.
 */
public final class CairnRelease {
    /** The image the process stands for, as the local control plane (e2e LocalImages) passes it. */
    public static final String IMAGE_PROPERTY = "cairn.image";
    private static final String UNKNOWN = "development";

    private CairnRelease() {
    }

    /** The release string, e.g. "0.1.1" or "0.1.0-SNAPSHOT"; "development" when run from classes, not a jar. */
    public static String running() {
        String image = System.getProperty(IMAGE_PROPERTY);
        if (image != null) {
            String tag = tag(image);
            if (CairnVersion.parse(tag).isPresent()) {
                return tag;
            }
        }
        String manifest = CairnRelease.class.getPackage().getImplementationVersion();
        return manifest == null ? UNKNOWN : manifest;
    }

    /** The tag of an image reference ("registry:5000/cairn/kvnode:0.1.1@sha256:..." has 0.1.1); "latest" if none. */
    static String tag(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "latest";
    }
}
