package io.trueroi.testing;

import java.net.URI;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server on loopback for tests: S3Proxy (the S3 REST protocol, AWS v2/v4
 * signatures) over jclouds' in-memory blob store, on a free port of 127.0.0.1. Nothing leaves the
 * machine. {@link #configure} points a Hadoop configuration's s3a at it, with the settings a user
 * of an S3-compatible store (MinIO, Ceph) sets: endpoint, path-style access, static keys.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "trueroi-test-access";
    public static final String SECRET_KEY = "trueroi-test-secret-not-a-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    private S3Server(S3Proxy proxy, BlobStoreContext context) {
        this.proxy = proxy;
        this.context = context;
    }

    /** Starts the server with these buckets created. */
    public static S3Server start(String... buckets) throws Exception {
        Properties p = new Properties();
        BlobStoreContext context =
                ContextBuilder.newBuilder("transient").overrides(p).build(BlobStoreContext.class);
        for (String b : buckets) {
            context.getBlobStore().createContainerInLocation(null, b);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new S3Server(proxy, context);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The s3a settings for this server, as a user would put them under spark.hadoop.* . */
    public void configure(Configuration hadoop) {
        hadoop.set("fs.s3a.endpoint", endpoint());
        hadoop.set("fs.s3a.endpoint.region", "us-east-1");
        hadoop.set("fs.s3a.path.style.access", "true");
        hadoop.set("fs.s3a.connection.ssl.enabled", "false");
        hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        hadoop.set("fs.s3a.access.key", ACCESS_KEY);
        hadoop.set("fs.s3a.secret.key", SECRET_KEY);
        hadoop.set("fs.s3a.attempts.maximum", "3");
        hadoop.set("fs.s3a.retry.limit", "3");
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
