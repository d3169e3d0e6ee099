# The staff console (/console of `helpbot serve`): what support staff read, in their language.
console-name = 客服工作台
console-skip-to-content = 跳到正文
console-navigation = 工作台导航
console-nav-reviews = 照片审核
console-nav-staff = 客服人员
console-switch-language = English
console-signed-in-as = { $name }（{ $account }，{ $role }）
console-role-agent = 客服
console-role-supervisor = 主管
console-sign-out = 退出登录
console-back-to-reviews = 返回照片审核列表

# Signing in
console-sign-in-title = 客服登录
console-account-name = 帐号
console-password = 密码
console-sign-in = 登录
console-sign-in-hint = 帐号由管理员在服务器上用 helpbot staff add 创建。多次输错密码会暂时锁定登录。
console-wrong-credentials = 帐号或密码不正确。
console-locked = 登录失败次数过多，已暂时锁定，请 { $minutes } 分钟后再试。
console-account-disabled = 这个帐号已停用，请联系主管。
console-form-expired = 登录页面已过期，请重新输入后再登录。

# Errors
console-csrf-refused = 请求缺少有效的安全令牌，已拒绝。请返回页面后重试。
console-not-found = 没有这个页面。
console-bad-form = 提交的内容不完整，请返回页面重试。
console-supervisors-only = 只有主管可以查看这个页面。
console-unavailable = 暂时无法访问数据库，请稍后再试。
console-error = 出了点问题，请稍后再试。

# The photo review queue
console-reviews-title = 待审核照片
console-reviews-empty = 目前没有等待审核的照片。
console-reviews-count = 共 { $count } 条等待审核，最早提交的在前。
console-submitted = 提交时间
console-waiting = 已等待
console-account = 帐号
console-real-name = 姓名
console-id-number = 证件号码
console-mobile = 手机号
console-open-review = 审核
console-waited-minutes = { $minutes } 分钟
console-waited-hours = { $hours } 小时 { $minutes } 分钟
console-waited-days = { $days } 天 { $hours } 小时

# One review
console-review-title = 照片审核
console-state-active = 正常
console-state-pending = 待验证
console-state-deactivated = 已注销
console-same-id-heading = 同一证件号码的其他帐号
console-same-id-none = 没有其他帐号使用这个证件号码。
console-same-id-intro = 审核通过后，下列帐号将被注销：
console-photos = 手持证件照片
console-photos-purged = 这次审核已经处理完毕，照片已按数据保留期限（[retention] photo_days）删除。
console-photo-front = 正面照片
console-photo-back = 背面照片
console-decide = 审核决定
console-approve-explained = 照片与帐号的姓名、证件号码一致：激活这个帐号，并注销同一证件号码的其他帐号。
console-approve = 通过
console-reject-reason = 驳回原因
console-reason-blurry = 照片模糊，看不清证件信息
console-reason-not-handheld = 不是本人手持证件的照片
console-reason-mismatch = 证件信息与注册信息不一致
console-reason-incomplete = 证件不完整或被遮挡
console-reason-typed = 或者填写原因
console-reason-hint = 填写的原因优先于选中的原因；原因会原样告诉学生。列表中的原因以中文发送。
console-reject = 驳回
console-review-was-approved = 这条审核已经通过。
console-review-was-rejected = 这条审核已被驳回，原因：{ $reason }

# After a decision
console-approved-title = 审核已通过
console-approved-done = 帐号 { $account } 已激活。
console-deactivated-none = 没有需要注销的其他帐号。
console-deactivated-intro = 已注销以下帐号：
console-rejected-title = 审核已驳回
console-rejected-with = 已驳回帐号 { $account } 的照片，原因：{ $reason }
console-student-told = 登录过这个帐号的对话会在聊天中收到结果。

# The supervisors' page
console-staff-title = 客服人员
console-staff-heading = 帐号
console-staff-account = 帐号
console-staff-display-name = 对学生显示的名字
console-staff-role = 角色
console-staff-enabled = 可登录
console-staff-last-sign-in = 最近登录
console-staff-hint = 客服帐号在服务器上用 helpbot staff add 添加，用 helpbot staff disable 停用。
console-yes = 是
console-no = 否
console-never = 从未登录
console-audit-heading = 最近的操作记录
console-audit-when = 时间
console-audit-who = 人员
console-audit-what = 操作
console-audit-about = 对象
console-audit-detail = 说明
console-audit-nobody = 命令行或未知帐号
console-audit-review = 审核 { $id }
console-audit-conversation = 对话 { $id }
