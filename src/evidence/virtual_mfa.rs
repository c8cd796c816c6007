//! `aws iam list-virtual-mfa-devices`: the account's virtual (authenticator
//! app) MFA devices and whom each is assigned to.
//!
//! Its one use here is telling a root user's virtual MFA from a hardware or
//! FIDO device: the credential report and the account summary only say that
//! *some* device is active. Root's virtual device is the one whose `User.Arn`
//! is the root ARN (AWS names it `arn:aws:iam::<account>:mfa/root-account-mfa-device`,
//! so that serial number counts too, for exports that drop `User`).

use serde_json::Value;

use crate::error::{InputError, Location};
use crate::evidence::time::Timestamp;

/// One virtual MFA device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// `User.Arn`: whom the device is assigned to (absent when unassigned).
    pub user_arn: Option<String>,
    /// `EnableDate`: when it was enabled (absent when unassigned).
    pub enabled: Option<Timestamp>,
}

impl VirtualMfaDevice {
    /// Whether this device belongs to a root user.
    pub fn is_root(&self) -> bool {
        self.user_arn
            .as_deref()
            .is_some_and(|a| a.ends_with(":root"))
            || self.serial_number.ends_with(":mfa/root-account-mfa-device")
    }
}

/// The whole list, in the export's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VirtualMfaDevices {
    pub devices: Vec<VirtualMfaDevice>,
}

impl VirtualMfaDevices {
    /// Whether root has a virtual MFA device assigned.
    pub fn root_has_virtual(&self) -> bool {
        self.devices
            .iter()
            .any(|d| d.is_root() && (d.user_arn.is_some() || d.enabled.is_some()))
    }
}

pub fn looks_like_list(value: &Value) -> bool {
    value.get("VirtualMFADevices").is_some()
}

/// Reads a list whose shape the JSON Schema already accepted.
pub fn parse(file: &str, value: &Value) -> Result<VirtualMfaDevices, InputError> {
    let items = value
        .get("VirtualMFADevices")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            InputError::new(
                file,
                Location::Pointer("/VirtualMFADevices".into()),
                "expected an array",
            )
        })?;
    let mut devices = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |key: &str| Location::Pointer(format!("/VirtualMFADevices/{i}{key}"));
        let serial_number = item
            .get("SerialNumber")
            .and_then(Value::as_str)
            .ok_or_else(|| InputError::new(file, at("/SerialNumber"), "expected a string"))?
            .to_string();
        let user_arn = item
            .get("User")
            .and_then(|u| u.get("Arn"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let enabled = match item.get("EnableDate") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                Some(Timestamp::parse(s).map_err(|e| InputError::new(file, at("/EnableDate"), e))?)
            }
            Some(_) => {
                return Err(InputError::new(
                    file,
                    at("/EnableDate"),
                    "expected a string",
                ))
            }
        };
        devices.push(VirtualMfaDevice {
            serial_number,
            user_arn,
            enabled,
        });
    }
    Ok(VirtualMfaDevices { devices })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn root_device_by_user_arn_or_serial() {
        let list = parse(
            "v.json",
            &json!({"VirtualMFADevices": [
                {"SerialNumber": "arn:aws:iam::1:mfa/alice", "User": {"Arn": "arn:aws:iam::1:user/alice"}, "EnableDate": "2024-01-01T00:00:00Z"},
            ]}),
        )
        .unwrap();
        assert!(!list.root_has_virtual());
        let list = parse(
            "v.json",
            &json!({"VirtualMFADevices": [
                {"SerialNumber": "arn:aws:iam::1:mfa/root-account-mfa-device", "User": {"Arn": "arn:aws:iam::1:root"}, "EnableDate": "2024-01-01 00:00:00+00:00"},
            ]}),
        )
        .unwrap();
        assert!(list.root_has_virtual());
    }

    #[test]
    fn unassigned_root_named_device_is_not_roots() {
        // A device created for root but never enabled protects nothing.
        let list = parse(
            "v.json",
            &json!({"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::1:mfa/root-account-mfa-device"}]}),
        )
        .unwrap();
        assert!(!list.root_has_virtual());
    }

    #[test]
    fn bad_date_names_the_pointer() {
        let err = parse(
            "v.json",
            &json!({"VirtualMFADevices": [{"SerialNumber": "x", "EnableDate": "yesterday"}]}),
        )
        .unwrap_err();
        assert_eq!(
            err.location,
            Location::Pointer("/VirtualMFADevices/0/EnableDate".into())
        );
    }
}
