//! The site's HTML pages, a module per page or resource. [`chrome`] is the frame they share and
//! [`markup`] the HTML built outside templates; both are leaves (they import no page), and no
//! page imports another.

pub(crate) mod advanced;
pub(crate) mod chrome;
pub(crate) mod collections;
pub(crate) mod countries;
pub(crate) mod document;
pub(crate) mod home;
pub(crate) mod markup;
pub(crate) mod network;
pub(crate) mod organizations;
pub(crate) mod people;
pub(crate) mod relations;
pub(crate) mod search;
pub(crate) mod site;
