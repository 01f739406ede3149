/** A file system error in words a person acts on, with its code for searching. */
const WORDS: Readonly<Record<string, string>> = {
    ENOENT: "no such file or folder",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "is a folder, not a file",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EEXIST: "already exists",
    EIO: "input/output error",
    EMFILE: "too many open files",
    ENAMETOOLONG: "file name too long",
    ELOOP: "too many symbolic links",
    EFBIG: "file too large for the file system",
};

export function errnoText(error: unknown): string {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code && WORDS[code]) {
        return `${WORDS[code]}, ${code}`;
    }
    return code ?? (error instanceof Error ? error.message : String(error));
}

/** True for the errors Node's fs raises (they carry an errno code and the system call). */
export function isErrno(error: unknown): error is NodeJS.ErrnoException {
    return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "syscall" in error;
}
