package adminpath

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// trustedOwners are the accounts that may own and change system policy:
// LocalSystem, BUILTIN\Administrators and TrustedInstaller.
var trustedOwners = []string{"S-1-5-18", "S-1-5-32-544", "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"}

// Constants of winnt.h that golang.org/x/sys/windows lacks.
const (
	fileDeleteChild          = 0x40 // FILE_DELETE_CHILD: delete entries of a folder
	aceAllowedObject         = 5    // ACCESS_ALLOWED_OBJECT_ACE_TYPE
	aceAllowedCallback       = 9    // ACCESS_ALLOWED_CALLBACK_ACE_TYPE
	aceAllowedCallbackObject = 11   // ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE
)

// Rights that change a file or folder, or its security.
const (
	changeRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | windows.FILE_WRITE_EA |
		windows.FILE_WRITE_ATTRIBUTES | fileDeleteChild | windows.DELETE |
		windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL
	// addRights on a folder only create new entries.
	addRights = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA
)

// checkAdminOnly checks one element of the path Check resolved:
// it must be owned by SYSTEM, Administrators or TrustedInstaller, and no
// other account may be granted rights that change it, except that folders
// above the last element may let others add new entries, as ProgramData
// does (like a sticky folder on Unix, that cannot replace an entry owned by
// an administrator).
func checkAdminOnly(path string, last bool) error {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("%s: reading its security descriptor: %w", path, err)
	}
	return checkSecurity(path, sd, last)
}

// checkLink checks a symbolic link met while resolving a system path, by
// the security of the link itself (not of what it names): whoever may
// change or delete it chooses what the system path names.
func checkLink(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	h, err := windows.CreateFile(p, windows.READ_CONTROL,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return fmt.Errorf("%s: opening the link: %w", path, err)
	}
	defer windows.CloseHandle(h)
	sd, err := windows.GetSecurityInfo(h, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("%s: reading its security descriptor: %w", path, err)
	}
	return checkSecurity(path, sd, true)
}

// checkSecurity applies checkAdminOnly's rules to the security descriptor
// of path.
func checkSecurity(path string, sd *windows.SECURITY_DESCRIPTOR, last bool) error {
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("%s: reading its owner: %w", path, err)
	}
	if !trusted(owner) {
		return fmt.Errorf("%s is owned by %s, not an administrator: anyone but administrators must be unable to change it", path, owner)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		return fmt.Errorf("%s has no access control list: anyone may change it", path)
	}
	allowed := uint32(0)
	if !last {
		allowed = addRights
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("%s: reading its access control list: %w", path, err)
		}
		if ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 {
			continue // applies only to entries created below
		}
		switch ace.Header.AceType {
		case windows.ACCESS_ALLOWED_ACE_TYPE:
		case aceAllowedObject, aceAllowedCallback, aceAllowedCallbackObject:
			// Grants rights under conditions intact does not evaluate:
			// fail closed.
			return fmt.Errorf("%s has a conditional or object access-allowed entry (type %d) intact cannot evaluate", path, ace.Header.AceType)
		default:
			continue // deny and audit entries grant nothing
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if uint32(ace.Mask)&changeRights&^allowed != 0 && !trusted(sid) {
			return fmt.Errorf("%s grants %s the right to change it (access mask %#x): only administrators may", path, sid, uint32(ace.Mask))
		}
	}
	return nil
}

func trusted(sid *windows.SID) bool {
	s := sid.String()
	for _, t := range trustedOwners {
		if s == t {
			return true
		}
	}
	return false
}

// RootOnly reports false: who can change a file is in its security
// descriptor, which a FileInfo does not hold, so nothing is taken as an
// administrator's alone by it.
func RootOnly(fi os.FileInfo) bool { return false }
