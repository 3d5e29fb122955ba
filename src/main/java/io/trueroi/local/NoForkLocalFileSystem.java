package io.trueroi.local;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a child process per file.
 *
 * <p>Without Hadoop's native library (which Maven does not ship, and which Spark's local and
 * client installs usually lack), {@code RawLocalFileSystem} runs a {@code chmod} process for every
 * file and directory it creates with a permission, and a {@code readlink} process every time the
 * {@code FileContext} API (Delta's transaction log on {@code file:}) looks at a path, and an
 * {@code ls -ld} process for the permission of every file status a listing reads, each a fork and
 * exec (docs/performance.md). This class does the same three things through {@code java.nio.file},
 * in process, and leaves everything else to Hadoop's own classes.
 *
 * <p>Installed for {@code file:} by {@code conf/local.conf} ({@code fs.file.impl} and
 * {@code fs.AbstractFileSystem.file.impl}); other schemes (s3a) are untouched. On a file system
 * without POSIX permissions, or for a sticky bit, it falls back to Hadoop's way.
 */
public final class NoForkLocalFileSystem extends LocalFileSystem {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public NoForkLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) file system both APIs delegate to. */
    public static final class Raw extends RawLocalFileSystem {
        /**
         * Hadoop's status of a local path loads its permission, owner and group from an
         * {@code ls -ld} process the first time any of them is read, as a listing with block
         * locations ({@code listFiles}) does for every entry. Java reads them in process.
         */
        @Override
        public FileStatus getFileStatus(Path f) throws IOException {
            return withOwnership(super.getFileStatus(f));
        }

        @Override
        public FileStatus[] listStatus(Path f) throws IOException {
            FileStatus[] listed = super.listStatus(f);
            FileStatus[] out = new FileStatus[listed.length];
            for (int i = 0; i < listed.length; i++) {
                out[i] = withOwnership(listed[i]);
            }
            return out;
        }

        private FileStatus withOwnership(FileStatus s) throws IOException {
            if (!POSIX || s.isSymlink()) {
                return s;
            }
            PosixFileAttributes a;
            try {
                a = Files.readAttributes(
                        pathToFile(s.getPath()).toPath(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new java.io.FileNotFoundException(s.getPath() + ": " + e.getMessage());
            }
            return new FileStatus(
                    s.getLen(),
                    s.isDirectory(),
                    s.getReplication(),
                    s.getBlockSize(),
                    s.getModificationTime(),
                    s.getAccessTime(),
                    new FsPermission(mode(a.permissions())),
                    a.owner().getName(),
                    a.group().getName(),
                    s.getPath());
        }

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            if (!POSIX || permission.getStickyBit()) {
                super.setPermission(p, permission);
                return;
            }
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
        }

        /**
         * Hadoop asks a {@code readlink} process whether the path is a link; Java can tell without one.
         * A link still goes through Hadoop's own code, so its status is exactly Hadoop's.
         */
        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            if (Files.isSymbolicLink(pathToFile(f).toPath())) {
                return super.getFileLinkStatus(f);
            }
            return getFileStatus(f);
        }
    }

    /** The {@code FileContext} binding for {@code file:}, as Hadoop's {@code LocalFs}, over {@link Raw}. */
    public static final class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    /** As Hadoop's {@code RawLocalFs}, delegating to {@link Raw}. */
    static final class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1;
        }

        @Override
        public FsServerDefaults getServerDefaults(Path f) throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        @SuppressWarnings("deprecation")
        public FsServerDefaults getServerDefaults() throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String src) {
            return true;
        }
    }

    /** The permission bits of a POSIX permission set, as Hadoop's short mode. */
    static short mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return (short) mode;
    }

    static Set<PosixFilePermission> posix(FsPermission permission) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        add(
                out,
                permission.getUserAction(),
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        add(
                out,
                permission.getGroupAction(),
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE);
        add(
                out,
                permission.getOtherAction(),
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        return out;
    }

    private static void add(
            Set<PosixFilePermission> out,
            FsAction action,
            PosixFilePermission read,
            PosixFilePermission write,
            PosixFilePermission execute) {
        if (action.implies(FsAction.READ)) {
            out.add(read);
        }
        if (action.implies(FsAction.WRITE)) {
            out.add(write);
        }
        if (action.implies(FsAction.EXECUTE)) {
            out.add(execute);
        }
    }
}
