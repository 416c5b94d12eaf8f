// The dashboard's navigation, grouped by what people come to do. A new page adds one line to its
// group; a group with no pages yet is not drawn. List only pages that exist (a unit test checks
// every href against app/(dashboard)).
import {
  ActivityIcon,
  CalendarDaysIcon,
  ContactIcon,
  FolderIcon,
  HeartPulseIcon,
  InboxIcon,
  ListChecksIcon,
  MailIcon,
  PlugIcon,
  PresentationIcon,
  SendIcon,
  type LucideIcon,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
}

export interface NavGroup {
  label: string;
  items: readonly NavItem[];
}

export const NAV_GROUPS: readonly NavGroup[] = [
  {
    label: "Overview",
    items: [
      { href: "/integrations", label: "Integrations", icon: PlugIcon },
      { href: "/health", label: "Health", icon: HeartPulseIcon },
      { href: "/activity", label: "Activity", icon: ActivityIcon },
    ],
  },
  {
    // Later: contacts.
    label: "Data",
    items: [
      { href: "/leads", label: "Leads", icon: ContactIcon },
      { href: "/webinars", label: "Webinars", icon: PresentationIcon },
      { href: "/calendar", label: "Calendar", icon: CalendarDaysIcon },
      { href: "/email", label: "Email", icon: MailIcon },
      { href: "/events", label: "Inbound webhooks", icon: InboxIcon },
      { href: "/files", label: "Files", icon: FolderIcon },
    ],
  },
  {
    // Later: syncs, content.
    label: "Automation",
    items: [
      { href: "/webhooks", label: "Outgoing webhooks", icon: SendIcon },
      { href: "/jobs", label: "Jobs", icon: ListChecksIcon },
    ],
  },
  {
    // Later: API keys, users, audit.
    label: "Settings",
    items: [],
  },
];

/** The groups to draw: those with at least one page. */
export function visibleNavGroups(groups: readonly NavGroup[] = NAV_GROUPS): NavGroup[] {
  return groups.filter((group) => group.items.length > 0);
}

/** Whether `href` is the page at `pathname` or one of its sub-pages (/webhooks for /webhooks/abc, not /webhooksx). */
export function isActiveHref(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
