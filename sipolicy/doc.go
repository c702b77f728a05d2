// Package sipolicy reads and writes Windows Defender Application Control
// (WDAC, "App Control for Business") policy XML — the SiPolicy document in
// namespace urn:schemas-microsoft-com:sipolicy — and answers the questions
// intact's enforcers ask of it. One policy file is enforced by Windows there
// and by intact elsewhere.
//
// # The subset intact supports
//
//   - Identity: PolicyType, FriendlyName, VersionEx (Version), PolicyID,
//     BasePolicyID, PolicyTypeID (legacy format) and PlatformID.
//   - Rule options, kept as text. intact acts on "Enabled:Audit Mode" (Audit)
//     and "Disabled:Script Enforcement" (ScriptEnforcement false: no file
//     checks). Unknown option texts are kept and noted.
//   - EKUs, their Value being the DER OID with its tag byte 06 replaced by 01.
//   - Signers: CertRoot Type="TBS" (see TBS), optional CertPublisher (the
//     leaf's subject common name) and CertEKU (EKUs the leaf must carry).
//     CertRoot Type="Wellknown" is read and kept but matches nothing intact
//     can verify.
//   - Signing scenario 12 (user mode): AllowedSigners (with ExceptDenyRule),
//     DeniedSigners (ExceptAllowRule is kept but not honoured: the denial
//     stands) and FileRulesRef. Other scenarios are read and kept.
//   - Deny rules with a FilePath, listed by DeniedPaths; MatchFilePath
//     matches a path as WDAC does, * and ? its wildcards.
//   - FileRules Allow and Deny with a Hash: SHA-1 or SHA-256 by length. A
//     hash does not say what it was computed over. HashSet.Match compares
//     it with the hash of a file's exact bytes; HashSet.Lookup with any
//     digest, such as the Authenticode digest of a PE image, which is what
//     Windows compares for PE files. intact's catalogs enforcer does both:
//     a Deny rule matches the exact bytes or, when they are a PE image, its
//     Authenticode digest, however the bytes are used; an Allow rule
//     matches the exact bytes, and the Authenticode digest only when the
//     bytes go to the OS image loader. An Allow rule written as an image's
//     Authenticode digest therefore also allows, as exact bytes, the byte
//     string that digest covers (see package enforcer/catalogs). Rules
//     without a Hash are kept so references resolve, and match nothing.
//   - Application settings: AppSettings/App/Setting/Value, and the legacy
//     Settings/Setting Provider Key ValueName with a Boolean, DWord, String
//     or Binary value. See Policy.AppSetting for how an App is tied to an
//     application id without reading files.
//
// # What is ignored
//
// Everything else is ignored and listed in Policy.Notes with its line:
// unknown elements (HvciOptions other than 0, UpdatePolicySigners,
// CiSigners, SupplementalPolicySigners, Macros, FileAttrib and generic
// FileRule elements, TestSigners, AppIDTags, elements of other namespaces)
// and unknown attributes (FileName, MinimumFileVersion and the other file
// attributes of Allow and Deny, FilePath of Allow, InheritedScenarios,
// MinimumHashAlgorithm). Empty elements are ignored silently: there is
// nothing to lose. Signer conditions intact cannot evaluate (CertIssuer,
// CertOemID, FileAttribRef, SignTimeAfter) make the signer Unevaluated:
// intact then trusts nothing through it and applies its denials in full.
// Ignoring errs toward refusing code, except for the attributes of a Deny
// rule that Windows reads from a PE image's version resource or an app
// package: no script has those, so Windows does not match them on scripts
// either, and their notes say that the rule denies only by Hash or
// FilePath.
//
// # Errors
//
// Malformed XML, a root other than SiPolicy in this namespace, bad hex, GUID
// or version text, a reference to an ID that does not exist (SignerId,
// RuleID, CertEKU ID), a duplicate ID, a second element where one is allowed,
// two Apps whose manifests have the same file name, and an AppSettings
// setting that the shipped manifest does not define (or a non-boolean value
// for one it defines as Bool) are *ParseError values naming the file and
// line. ParseFile reads regular files only.
//
// # Writing
//
// New makes a complete base policy from a Template: the signers whose
// catalogs it trusts, hash rules (FileHashes gives those of a file, by how
// it will be used), audit mode and the application settings of package
// enforcer for an app id. It is what `intact policy new` writes.
// Policy.Marshal writes with encoding/xml in the element order of
// Microsoft's templates, so Windows tooling (ConvertFrom-CIPolicy) can
// compile the result; that was not verified on Windows. A policy that trusts
// only intact's signers blocks Windows itself if deployed alone as a base
// policy there: deploy it as a supplemental policy or merge it with
// Microsoft's templates.
package sipolicy
