package io.trueroi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.testing.SharedSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code file:} file system conf/local.conf installs: the same permissions, link statuses and
 * no-overwrite renames as Hadoop's own (the contract Delta's log on {@code file:} relies on).
 */
@ExtendWith(SharedSpark.class)
class NoForkLocalFileSystemTest {
    @TempDir
    Path tmp;

    @Test
    void theSessionUsesItForFileUrisThroughBothHadoopApis(SparkSession spark) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(tmp.toUri());
        assertInstanceOf(NoForkLocalFileSystem.class, p.getFileSystem(conf));
        assertInstanceOf(
                NoForkLocalFileSystem.Fs.class,
                FileContext.getFileContext(p.toUri(), conf).getDefaultFileSystem());
    }

    @Test
    void createAndMkdirsSetTheRequestedPermissions() throws Exception {
        FileSystem fs = fileSystem();
        org.apache.hadoop.fs.Path dir =
                new org.apache.hadoop.fs.Path(tmp.toUri().toString(), "d");
        assertTrue(fs.mkdirs(dir, new FsPermission((short) 0750)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("d"))));
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, "f");
        try (var out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
            out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("d/f"))));
        fs.setPermission(file, new FsPermission((short) 0604));
        assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("d/f"))));
        assertEquals(new FsPermission((short) 0604), fs.getFileStatus(file).getPermission());
    }

    @Test
    void linkStatusesAreHadoopsOwn() throws Exception {
        // Compared with Hadoop's own local file system (which asks a readlink process), for a file, a
        // link to it, and a missing path.
        Path target = Files.writeString(tmp.resolve("target"), "t");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        FileSystem ours = fileSystem();
        Configuration plain = new Configuration(false);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem hadoops = FileSystem.get(tmp.toUri(), plain);
        assertFalse(hadoops instanceof NoForkLocalFileSystem);
        for (Path p : new Path[] {target, link}) {
            org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(p.toUri());
            FileStatus a = ours.getFileLinkStatus(hp);
            FileStatus b = hadoops.getFileLinkStatus(hp);
            assertEquals(b.isSymlink(), a.isSymlink(), p.toString());
            assertEquals(b.isFile(), a.isFile(), p.toString());
            assertEquals(b.getLen(), a.getLen(), p.toString());
            assertEquals(b.getPath(), a.getPath(), p.toString());
        }
        assertThrows(
                java.io.FileNotFoundException.class,
                () -> ours.getFileLinkStatus(
                        new org.apache.hadoop.fs.Path(tmp.resolve("absent").toUri())));
    }

    @Test
    void listedStatusesCarryHadoopsPermissionsOwnerAndGroup() throws Exception {
        // Compared with Hadoop's own local file system, which asks an ls process for each of them.
        Files.createDirectories(tmp.resolve("dt=2026-10-01"));
        Files.writeString(tmp.resolve("dt=2026-10-01/a.csv"), "x");
        Files.setPosixFilePermissions(tmp.resolve("dt=2026-10-01/a.csv"), PosixFilePermissions.fromString("rw-r-----"));
        Configuration plain = new Configuration(false);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem hadoops = FileSystem.get(tmp.toUri(), plain);
        FileSystem ours = fileSystem();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.toUri());
        List<String> seen = new ArrayList<>();
        for (FileSystem fs : List.of(hadoops, ours)) {
            StringBuilder sb = new StringBuilder();
            var files = fs.listFiles(root, true);
            while (files.hasNext()) {
                FileStatus st = files.next();
                sb.append(st.getPath().getName())
                        .append(' ')
                        .append(st.getPermission())
                        .append(' ')
                        .append(st.getOwner())
                        .append(' ')
                        .append(st.getGroup())
                        .append(' ')
                        .append(st.getLen())
                        .append(' ')
                        .append(st.getModificationTime())
                        .append('\n');
            }
            for (FileStatus st : fs.listStatus(root)) {
                sb.append(st.getPath().getName())
                        .append(' ')
                        .append(st.getPermission())
                        .append(' ')
                        .append(st.isDirectory())
                        .append('\n');
            }
            seen.add(sb.toString());
        }
        assertTrue(seen.get(0).contains("a.csv rw-r----- "), seen.get(0));
        assertEquals(seen.get(0), seen.get(1));
        assertEquals(
                hadoops.getFileStatus(new org.apache.hadoop.fs.Path(root, "dt=2026-10-01"))
                        .getPermission(),
                ours.getFileStatus(new org.apache.hadoop.fs.Path(root, "dt=2026-10-01"))
                        .getPermission());
    }

    @Test
    void fileContextRenameWithoutOverwriteRefusesAnExistingTarget() throws Exception {
        // Delta commits a log entry by creating a temporary file and renaming it without overwrite.
        FileContext fc = FileContext.getFileContext(tmp.toUri(), conf());
        org.apache.hadoop.fs.Path a = new org.apache.hadoop.fs.Path(tmp.toUri().toString(), "a.tmp");
        org.apache.hadoop.fs.Path b = new org.apache.hadoop.fs.Path(tmp.toUri().toString(), "00000.json");
        for (org.apache.hadoop.fs.Path p : new org.apache.hadoop.fs.Path[] {a, b}) {
            try (var out = fc.create(
                    p, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.perms(new FsPermission((short) 0644)))) {
                out.write(p.getName().getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.tmp"))));
        assertThrows(FileAlreadyExistsException.class, () -> fc.rename(a, b, Options.Rename.NONE));
        assertEquals("00000.json", Files.readString(tmp.resolve("00000.json")));
        org.apache.hadoop.fs.Path c = new org.apache.hadoop.fs.Path(tmp.toUri().toString(), "00001.json");
        fc.rename(a, c, Options.Rename.NONE);
        assertEquals("a.tmp", Files.readString(tmp.resolve("00001.json")));
    }

    private static Configuration conf() {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", NoForkLocalFileSystem.class.getName());
        conf.set("fs.AbstractFileSystem.file.impl", NoForkLocalFileSystem.Fs.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    private FileSystem fileSystem() throws Exception {
        FileSystem fs = FileSystem.get(tmp.toUri(), conf());
        assertInstanceOf(NoForkLocalFileSystem.class, fs);
        return fs;
    }
}
