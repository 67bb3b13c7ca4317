/** Word lists for the demo data: enough variety that search and filters have something to find. */
export const firstNames = ['Maya', 'Liam', 'Olivia', 'Noah', 'Emma', 'Lucas', 'Ava', 'Ethan', 'Sofia', 'Mateo', 'Isla', 'Arjun', 'Chloe', 'Kenji', 'Zara', 'Omar', 'Elena', 'Felix', 'Priya', 'Hugo', 'Ines', 'Jonas', 'Leila', 'Marco', 'Nora', 'Oscar', 'Rosa', 'Samuel', 'Talia', 'Victor'];
export const lastNames = ['Okafor', 'Schmidt', 'Rossi', 'Nguyen', 'Kowalski', 'Haddad', 'Silva', 'Tanaka', 'Novak', 'Dubois', 'Larsen', 'Moreau', 'Patel', 'Fischer', 'Jensen', 'Costa', 'Ivanova', 'Brennan', 'Mensah', 'Lindqvist'];
export const subjects = ['Cannot log in after password reset', 'Invoice shows the wrong amount', 'Export to CSV fails', 'Order arrived damaged', 'How do I add a second user?', 'App crashes on upload', 'Refund not received', 'Two-factor codes not arriving', 'Shipping address change', 'Dashboard loads slowly', 'Integration with Slack stopped', 'Charged twice this month', 'Feature request: dark mode', 'Cannot find my receipts', 'Account locked', 'Webhook returns 500', 'Wrong time zone on reports', 'Missing items in delivery', 'Trial extension request', 'Data import stuck at 90%'];
export const customerLines = [
  'Hi, I have a problem and could use some help.',
  'I tried that already and it did not work.',
  'Here is a screenshot of what I see.',
  'It started happening yesterday afternoon.',
  'Any update on this? It is blocking my team.',
  'I am on the latest version of the app.',
  'Thanks, that worked for a while but the issue is back.',
  'Could you check my account, please?',
  'The error message says something about a timeout.',
  'We have about 40 people affected.',
  'Great, thank you for the quick reply!',
  'I cleared the cache and restarted, same result.',
];
export const agentLines = [
  'Thanks for reaching out! Let me look into this for you.',
  'Could you tell me which browser and version you are using?',
  'I have escalated this to our engineering team.',
  'Can you try signing out and back in?',
  'I checked your account and everything looks correct on our side.',
  'A fix has been deployed; please try again.',
  'I have issued the refund; it should appear within 5 business days.',
  'Thanks for the screenshot, that helps a lot.',
  'I will keep this conversation open until we confirm it works.',
  'Is there anything else I can help you with?',
];
export const cannedReplies = [
  { title: 'Greeting', body: 'Hi there, thanks for contacting Acme Support! I am looking into this now.' },
  { title: 'Need more details', body: 'Could you share a few more details: what you expected to happen, what happened instead, and a screenshot if possible?' },
  { title: 'Escalated', body: 'I have escalated this to our engineering team and will update you as soon as I hear back.' },
  { title: 'Refund issued', body: 'Your refund has been issued. It usually appears on your statement within 5 business days.' },
  { title: 'Clear cache', body: 'Please try clearing your browser cache and signing in again; that resolves most loading issues.' },
  { title: 'Closing', body: 'I am glad that is sorted! I will close this conversation now; just reply if anything else comes up.' },
  { title: 'Known incident', body: 'We are aware of an incident affecting this feature and are working on a fix. Status updates: status.acme.example.' },
  { title: 'Follow-up', body: 'Just checking in: did the last suggestion solve the problem for you?' },
];
